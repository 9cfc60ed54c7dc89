import assert from 'node:assert/strict';
import request from 'supertest';
import type { OrderInput } from '../../workflows/order/order.messages';
import { cartWith, checkoutBody, checkoutRequest, newShopper, postCheckout, startCheckout } from './checkout-fixtures';
import { eventually } from './eventually';
import { giveTestWarehouseAnAddress } from './parcel-fixtures';
import type { ParcelStack } from './parcel-stack';

/**
 * A card order of `quantity` units of one fresh SKU, its whole way to delivered through the real
 * stack: checked out through the API (or, with `input`, started with those order options, such as
 * a short return window), packed and handed over through the warehouse API, and tracked to
 * delivered by the carrier sandbox.
 */
export async function deliveredCardOrder(s: ParcelStack, { quantity, price, input }: { quantity: number; price: number; input?: Partial<OrderInput> }) {
  const shopper = await newShopper(s.t);
  const { cartId, sku } = await cartWith(s.t, shopper, { onHand: 5, quantity, price });
  await giveTestWarehouseAnAddress(s.db);
  let orderId: string;
  if (input) {
    const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }), ...input });
    assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
    orderId = answer.orderId;
  } else {
    const placed = await postCheckout(s.t, shopper, checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } }));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    orderId = placed.body.orderId as string;
  }
  const orderView = () => request(s.t.app).get(`/orders/${orderId}`).set('Authorization', shopper.bearer);
  const started = await eventually(orderView, (res) => res.body.shipments?.length === 1, { what: 'the parcel started' });
  const { shipmentId, warehouseCode } = started.body.shipments[0] as { shipmentId: string; warehouseCode: string };
  const warehouse = await s.t.warehouseBearer(warehouseCode);
  const warehouseApi = (path: string, body?: object) => request(s.t.app).post(`/warehouse/${warehouseCode}/${path}`).set('Authorization', warehouse).send(body);
  assert.equal((await warehouseApi(`shipments/${shipmentId}/pack`, { weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } })).status, 200);
  assert.equal((await warehouseApi(`shipments/${shipmentId}/hand-over`)).status, 200);
  await eventually(orderView, (res) => res.body.status === 'delivered', { what: 'the order delivered' });
  return { shopper, sku, orderId, warehouseCode, orderView, warehouseApi };
}
