import assert from 'node:assert/strict';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, newShopper, startCheckout } from '../support/checkout-fixtures';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { SECOND_WAREHOUSE, splitCardOrder } from '../support/partially-shipped-order';
import { stripeSandbox } from '../support/stripe-sandbox';
import { testStack } from '../support/test-stack';
import { workerCounters } from '../support/worker-metrics';
import { OrderId, ParcelAlerts } from '../../workflows/shared/search-attributes';

/** The worker's business counters, summed over their labels, from its Prometheus endpoint. */
async function businessCounters(): Promise<{ labels: number; captures: number; carrierFailures: number }> {
  const sum = await workerCounters();
  return { labels: sum('labels_bought_total'), captures: sum('payment_captures_total'), carrierFailures: sum('carrier_requests_total', 'outcome="failed"') };
}

/**
 * An order's whole life on the real stack: checkout by card, one parcel per warehouse packed and
 * handed over through the warehouse API (one label each, bought from the carrier sandbox), each
 * handover capturing its share at the Stripe sandbox, tracking by signed webhooks to delivered,
 * and the order closed when its return window ends.
 */
describe('an order from checkout to closed (order and parcel workflows, both sandboxes, API, PostgreSQL)', function () {
  this.timeout(120_000);
  const stripe = stripeSandbox();
  let s: ParcelStack;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
  });
  after(() => s.stop());

  it('splits into two parcels, captures each share (the last one final) for exactly the total, is delivered, and closes', async () => {
    const counted = await businessCounters();
    // Two SKUs, each stocked in one warehouse only: the allocation must split.
    const { orderId, total, order, view, first, second, skus, warehouseApi } = await splitCardOrder(s, { returnWindow: '2 seconds', parcelDeadlines: { trackingPollAfter: '2 seconds' } });
    const shipments = [first, second];
    assert.deepEqual(shipments.map((p) => p.warehouseCode).sort(), [SECOND_WAREHOUSE, TEST_WAREHOUSE_CODE].sort());

    for (const [i, parcel] of shipments.entries()) {
      const packed = await warehouseApi(parcel.warehouseCode, `${parcel.shipmentId}/pack`);
      assert.equal(packed.status, 200, JSON.stringify(packed.body));
      assert.equal(packed.body.stage, 'label_purchased', JSON.stringify(packed.body));
      const handed = await warehouseApi(parcel.warehouseCode, `${parcel.shipmentId}/hand-over`);
      assert.equal(handed.status, 200, JSON.stringify(handed.body));
      const expected = i === 0 ? 'partially_shipped' : 'shipped';
      await eventually(view, (v: OrderView) => v.status === expected || v.status === 'delivered' || v.status === 'closed', { what: `the order ${expected}` });
    }

    // Tracking runs to delivered, then the return window ends and the order closes itself.
    await order.result();
    const final = await view();
    assert.equal(final.status, 'closed');
    assert.deepEqual(final.shipments!.map((p) => p.stage), ['delivered', 'delivered']);

    // Paid exactly once for what shipped: two captures, the last final, adding up to the total.
    const captures = final.captures!;
    assert.deepEqual(captures.map((c) => [c.status, c.finalCapture]), [['captured', false], ['captured', true]]);
    assert.equal(captures.reduce((sum, c) => sum + c.amount.amount, 0), total);
    assert.deepEqual([final.payment!.status, final.payment!.captured?.amount], ['captured', total]);
    const intent = await stripe.paymentIntent(final.payment!.externalId!);
    assert.deepEqual([intent.status, intent.amount_received, intent.amount_capturable], ['succeeded', total, 0]);
    // Each capture run was found by its order from its start: the order set OrderId, so the run upserted nothing.
    for (const capture of captures) {
      const run = testStack().temporal.client.workflow.getHandle(capture.workflowId);
      assert.equal((await run.describe()).typedSearchAttributes.get(OrderId), orderId);
      const started = (await run.fetchHistory()).events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
      assert.ok(started.workflowExecutionStartedEventAttributes!.searchAttributes?.indexedFields?.OrderId, 'OrderId set at the start');
      assert.equal((await run.fetchHistory()).events!.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes).length, 0);
    }
    const ledger = await s.db.selectFrom('payment_ledger').select(['kind', 'amount']).where('order_id', '=', orderId).orderBy('id').execute();
    assert.deepEqual(ledger.map((l) => l.kind), ['authorized', 'captured', 'captured']);
    const payment = await s.db.selectFrom('payments').select(['authorized_amount', 'captured_amount']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual(payment, { authorized_amount: total, captured_amount: total });

    // One label per parcel; the stock left both warehouses; the customer was told at each step.
    for (const parcel of shipments) assert.equal(await s.sandbox.labels(carrierReferenceFor(parcel.shipmentId)), 1);
    // The worker's metrics count the same facts: two labels, two captures, and the carrier's calls all completed.
    const now = await businessCounters();
    assert.deepEqual([now.labels - counted.labels, now.captures - counted.captures, now.carrierFailures - counted.carrierFailures], [2, 2, 0]);
    // Each parcel keeps its share of the shipping the customer paid beside its label's cost: the margin.
    const rows = await s.db.selectFrom('shipments').select(['charged_amount', 'cost_amount']).where('order_id', '=', orderId).execute();
    const paid = await s.db.selectFrom('orders').select('shipping_amount').where('id', '=', orderId).executeTakeFirstOrThrow();
    assert.equal(rows.reduce((sum, r) => sum + r.charged_amount!, 0), paid.shipping_amount);
    assert.ok(rows.every((r) => r.cost_amount !== null && r.cost_amount > 0));
    // The shipped email links each parcel to the carrier's own tracking page for its label.
    const shipped = await s.db.selectFrom('notifications').select('payload').where('order_id', '=', orderId).where('template', '=', 'order-shipped').executeTakeFirstOrThrow();
    const pages = await s.db.selectFrom('shipments').select(['tracking_number', 'tracking_url']).where('order_id', '=', orderId).execute();
    const linked = (shipped.payload as { parcels: Array<{ trackingNumber: string; trackingUrl: string }> }).parcels.map((p) => [p.trackingNumber, p.trackingUrl]);
    assert.deepEqual(linked.sort(), pages.map((p) => [p.tracking_number, p.tracking_url]).sort());
    assert.ok(pages.every((p) => p.tracking_url?.endsWith(`/track/${p.tracking_number}`)), JSON.stringify(pages));
    assert.deepEqual(await findInventoryDrift(s.db, { skus }), []);
    const mails = await s.db.selectFrom('notifications').select('template').where('order_id', '=', orderId).execute();
    assert.deepEqual(mails.map((m) => m.template).sort(), ['order-confirmed', 'order-delivered', 'order-partially-shipped', 'order-shipped']);
    const row = await s.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow();
    assert.equal(row.status, 'closed');
  });

  it('flags a parcel the carrier could not deliver for support (ParcelAlerts=FAILED), and waits for its decision', async () => {
    const shopper = await newShopper(s.t);
    const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 1, price: 2500 });
    await giveTestWarehouseAnAddress(s.db);
    const answer = await startCheckout(shopper, cartId, { returnWindow: '1 second', parcelDeadlines: { trackingPollAfter: '2 seconds' } });
    assert.equal(answer.status, 'confirmed', JSON.stringify(answer));
    const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(answer.orderId));
    const [parcel] = (await eventually(() => order.query(orderStatusQuery), (v) => (v.shipments?.length ?? 0) === 1, { what: 'the parcel started' })).shipments!;
    const bearer = await s.t.warehouseBearer(parcel!.warehouseCode);
    const base = `/warehouse/${parcel!.warehouseCode}/shipments/${parcel!.shipmentId}`;
    assert.equal((await request(s.t.app).post(`${base}/pack`).set('Authorization', bearer).send({ weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } })).status, 200);
    await s.sandbox.outcome(carrierReferenceFor(parcel!.shipmentId), 'failure');
    assert.equal((await request(s.t.app).post(`${base}/hand-over`).set('Authorization', bearer)).status, 200);

    const failed = await eventually(() => order.query(orderStatusQuery), (v) => v.shipments![0]!.stage === 'failed', { what: 'the parcel failed' });
    assert.equal(failed.status, 'shipped', 'the order waits for support: no delivery, no return window');
    await eventually(async () => (await order.describe()).typedSearchAttributes.get(ParcelAlerts), (alerts) => alerts?.join() === 'FAILED', { what: 'ParcelAlerts=FAILED' });
    await order.terminate('test done');
  });
});
