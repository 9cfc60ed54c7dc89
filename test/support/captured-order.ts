import assert from 'node:assert/strict';
import request from 'supertest';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../../workflows/order/order.messages';
import { cartWith, checkoutRequest, newShopper, startCheckout } from './checkout-fixtures';
import { eventually } from './eventually';
import type { ParcelStack } from './parcel-stack';
import { testStack } from './test-stack';

/**
 * A card order (or, with `paymentMethodId: 'manual'`, an invoice order) packed and handed over in
 * one parcel: its whole total captured (at the Stripe sandbox for a card).
 */
export async function capturedOrder(
  s: ParcelStack,
  { paymentMethodId = 'pm_card_visa', quantity = 3, price = 3333 } = {},
): Promise<{ orderId: string; total: number; view: () => Promise<OrderView> }> {
  const shopper = await newShopper(s.t);
  const { cartId } = await cartWith(s.t, shopper, { onHand: 10, quantity, price });
  const method = paymentMethodId === 'manual' ? ({ provider: 'manual' } as const) : ({ provider: 'stripe', paymentMethodId } as const);
  const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, method) });
  assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
  const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(answer.orderId));
  const view = () => order.query(orderStatusQuery);
  const [parcel] = (await eventually(view, (v) => (v.shipments?.length ?? 0) === 1, { what: 'the parcel started' })).shipments!;
  const bearer = await s.t.warehouseBearer(parcel!.warehouseCode);
  const base = `/warehouse/${parcel!.warehouseCode}/shipments/${parcel!.shipmentId}`;
  const packed = await request(s.t.app).post(`${base}/pack`).set('Authorization', bearer).send({ weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } });
  assert.equal(packed.status, 200, JSON.stringify(packed.body));
  const handedOver = await request(s.t.app).post(`${base}/hand-over`).set('Authorization', bearer);
  assert.equal(handedOver.status, 200, JSON.stringify(handedOver.body));
  const total = answer.status === 'confirmed' ? answer.totals.total.amount : 0;
  await eventually(view, (v) => v.payment?.captured?.amount === total, { what: 'the whole order captured' });
  return { orderId: answer.orderId, total, view };
}
