import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import request from 'supertest';
import { orderStatusQuery, orderWorkflowId, type OrderInput, type OrderView, type ShipmentSummary } from '../../workflows/order/order.messages';
import { addToCart, stockInWarehouse } from './cart-fixtures';
import { cartWith, checkoutRequest, newShopper, startCheckout } from './checkout-fixtures';
import { createStockedSku, TEST_WAREHOUSE_CODE } from './db-fixtures';
import { eventually } from './eventually';
import type { ParcelStack } from './parcel-stack';
import { testStack } from './test-stack';

/** The second warehouse a split order ships from. */
export const SECOND_WAREHOUSE = 'TEST-DB-2';
const PACKED = { weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } };

/** A card order over two SKUs, each stocked in one warehouse only, confirmed with its two parcels started. */
export interface SplitCardOrder {
  orderId: string;
  total: number;
  /** The order workflow's handle, on the test stack's client. */
  order: WorkflowHandle;
  view: () => Promise<OrderView>;
  first: ShipmentSummary;
  second: ShipmentSummary;
  /** The SKU stocked in the test warehouse, then the one stocked only in the second. */
  skus: [string, string];
  /** A warehouse API call (`<shipmentId>/pack` or `<shipmentId>/hand-over`) as that parcel's warehouse. */
  warehouseApi: (code: string, path: string) => Promise<request.Response>;
}

/**
 * A card order split over two warehouses (both with an address the carrier can rate), checked out
 * with `overrides` of the order's input, until both parcels started: nothing packed yet.
 */
export async function splitCardOrder(s: ParcelStack, overrides: Partial<OrderInput> = {}): Promise<SplitCardOrder> {
  const shopper = await newShopper(s.t);
  const { cartId, sku } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1, price: 2500 });
  const other = await createStockedSku(s.db, 0, 1800);
  await stockInWarehouse(s.db, other.sku, SECOND_WAREHOUSE, 5);
  assert.equal((await addToCart(s.t.app, cartId, other.sku, 2, shopper.bearer)).status, 200);
  await s.db
    .updateTable('warehouses')
    .set({ address: { name: 'Test warehouse', line1: '100 Warehouse Way', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' } })
    .where('code', 'in', [TEST_WAREHOUSE_CODE, SECOND_WAREHOUSE])
    .execute();
  const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }), ...overrides });
  assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
  const orderId = answer.orderId;
  const total = answer.status === 'confirmed' ? answer.totals.total.amount : 0;
  const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId));
  const view = () => order.query(orderStatusQuery);
  const [first, second] = (await eventually(view, (v) => (v.shipments?.length ?? 0) === 2, { what: 'two shipments started' })).shipments!;
  const warehouseApi = async (code: string, path: string) =>
    request(s.t.app).post(`/warehouse/${code}/shipments/${path}`).set('Authorization', await s.t.warehouseBearer(code)).send(path.endsWith('/pack') ? PACKED : undefined);
  return { orderId, total, order, view, first: first!, second: second!, skus: [sku.sku, other.sku], warehouseApi };
}

export interface PartiallyShippedOrder extends SplitCardOrder {
  /** What the first handover captured. */
  firstShare: number;
}

/**
 * A split card order (`splitCardOrder`): both parcels packed (labelled at the carrier sandbox),
 * the first handed over and its share captured at the Stripe sandbox. The order is partially shipped.
 */
export async function partiallyShippedOrder(s: ParcelStack): Promise<PartiallyShippedOrder> {
  const split = await splitCardOrder(s);
  const { first, second, view, warehouseApi } = split;
  for (const parcel of [first, second]) assert.equal((await warehouseApi(parcel.warehouseCode, `${parcel.shipmentId}/pack`)).status, 200);
  assert.equal((await warehouseApi(first.warehouseCode, `${first.shipmentId}/hand-over`)).status, 200);
  const firstShare = (await eventually(view, (v) => v.captures?.[0]?.status === 'captured', { what: 'the first share captured' })).captures![0]!.amount.amount;
  return { ...split, firstShare };
}
