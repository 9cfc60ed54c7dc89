import assert from 'node:assert/strict';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../../workflows/order/order.messages';
import { addToCart, redisReady, stockInWarehouse } from '../support/cart-fixtures';
import { cartWith, checkoutRequest, newShopper, startCheckout } from '../support/checkout-fixtures';
import { createStockedSku, TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { stripeSandbox } from '../support/stripe-sandbox';
import { testStack } from '../support/test-stack';

const SECOND_WAREHOUSE = 'TEST-DB-2';
const PACKED = { weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } };

/**
 * Support's "cancel the rest" after a first parcel shipped, on the real stack: the other parcel's
 * label voided at the carrier sandbox, its stock released, its share never captured at the Stripe
 * sandbox; a parcel the carrier has is refused with its typed reason.
 */
describe('cancel the rest after a first parcel shipped (order and parcel workflows, both sandboxes, API, PostgreSQL)', function () {
  this.timeout(120_000);
  const stripe = stripeSandbox();
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
  });
  after(() => s.stop());

  it('voids the labelled parcel not handed over, releases its stock, keeps only the shipped share, and refuses the shipped parcel', async () => {
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
    const answer = await startCheckout(shopper, cartId, { request: checkoutRequest(shopper, cartId, { provider: 'stripe', paymentMethodId: 'pm_card_visa' }) });
    assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
    const orderId = answer.orderId;
    const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId));
    const view = () => order.query(orderStatusQuery);
    const shipments = (await eventually(view, (v) => (v.shipments?.length ?? 0) === 2, { what: 'two shipments started' })).shipments!;
    const warehouseApi = async (code: string, path: string) =>
      request(s.t.app).post(`/warehouse/${code}/shipments/${path}`).set('Authorization', await s.t.warehouseBearer(code)).send(path.endsWith('/pack') ? PACKED : undefined);
    const [first, second] = shipments;
    // Both are labelled; only the first is handed over.
    for (const parcel of shipments) assert.equal((await warehouseApi(parcel.warehouseCode, `${parcel.shipmentId}/pack`)).status, 200);
    assert.equal((await warehouseApi(first!.warehouseCode, `${first!.shipmentId}/hand-over`)).status, 200);
    const shipped = await eventually(view, (v: OrderView) => v.status === 'partially_shipped' && v.captures?.[0]?.status === 'captured', { what: 'the first share captured' });
    const firstShare = shipped.captures![0]!.amount.amount;

    const support = await s.t.bearer('support', 'agent-rest');
    const refused = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'customer changed their mind', shipmentIds: [first!.shipmentId] });
    assert.deepEqual([refused.status, refused.body.type], [409, '/problems/parcel-already-handed-over']);

    const done = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'customer changed their mind' });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    // What is left has gone: shipped, or delivered already if the carrier was quick.
    assert.ok(['shipped', 'delivered'].includes(done.body.status), done.body.status);
    assert.equal(done.body.shipments[1].stage, 'cancelled');
    assert.ok(['handed_over', 'delivered'].includes(done.body.shipments[0].stage), done.body.shipments[0].stage);

    // The second parcel's run voided its label at the carrier and cancelled its row.
    const voided = await eventually(() => s.sandbox.labelPurchases(carrierReferenceFor(second!.shipmentId)), (all) => all.length === 1 && all[0]!.refund_status !== null, { what: 'the label voided' });
    assert.equal(voided.length, 1);
    const row = await eventually(() => s.db.selectFrom('shipments').select('status').where('id', '=', second!.shipmentId).executeTakeFirstOrThrow(), (r) => r.status === 'cancelled', { what: 'the parcel row cancelled' });
    assert.equal(row.status, 'cancelled');
    // Its stock is back: no active reservation, and the ledger reconciles.
    const reserved = await s.db.selectFrom('inventory_reservations').select('status').where('order_id', '=', orderId).where('status', '=', 'reserved').execute();
    assert.deepEqual(reserved, []);
    assert.deepEqual(await findInventoryDrift(s.db, { skus: [sku.sku, other.sku] }), []);
    // Only the shipped share was taken.
    const payment = await s.db.selectFrom('payments').select(['captured_amount', 'refunded_amount', 'external_id']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual([payment.captured_amount, payment.refunded_amount], [firstShare, 0]);
    const intent = await stripe.paymentIntent(payment.external_id!);
    assert.equal(intent.amount_received, firstShare);
    // The rest of the authorization is released, not refunded: nothing capturable is left at Stripe.
    assert.deepEqual([intent.status, intent.amount_capturable], ['succeeded', 0]);
    const released = await s.db.selectFrom('payment_ledger').select(['kind', 'amount']).where('order_id', '=', orderId).where('kind', '=', 'cancelled').execute();
    assert.equal(released.length, 1);
    assert.equal(released[0]!.amount, (answer.status === 'confirmed' ? answer.totals.total.amount : 0) - firstShare);
    const audited = await s.db.selectFrom('support_actions').select(['actor_id', 'reason']).where('order_id', '=', orderId).where('action', '=', 'cancelRest').execute();
    assert.deepEqual(audited, [{ actor_id: 'agent-rest', reason: 'customer changed their mind' }]);

    const again = await request(s.t.app).post(`/support/orders/${orderId}/cancel-rest`).set('Authorization', support).send({ reason: 'again' });
    assert.deepEqual([again.status, again.body.type], [409, '/problems/nothing-left-to-cancel']);
    await order.terminate('test done');
  });
});
