import assert from 'node:assert/strict';
import request from 'supertest';
import { orderDetails } from '../../api/read-models/order-details';
import { catchUpOrderIndexWorkflowType, type CatchUpOrderIndexWorkflow } from '../../workflows/search/catch-up-order-index.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, type Shopper } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { testStack } from '../support/test-stack';

/**
 * What people read about a shipped order, through the API on the real stack: the order's parcel
 * with its carrier, tracking and status history, its label, and the payment ledger; and support
 * finding the order by the parcel's tracking number once the orders index has caught up.
 */
describe('a shipped order as the customer and support read it (API, order and parcel workflows, both sandboxes, Elasticsearch)', function () {
  this.timeout(120_000);
  let s: ParcelStack;
  let support: string;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    support = await s.t.bearer('support', 'agent-view');
  });
  after(() => s.stop());

  /** A card order of one line, confirmed, its one parcel packed (label bought) and handed over. */
  async function shippedOrder(shopper: Shopper): Promise<{ orderId: string; total: number; shipmentId: string; warehouseCode: string }> {
    const { cartId } = await cartWith(s.t, shopper, { onHand: 5, quantity: 2, price: 2500 });
    // After the SKU: the first stocked SKU creates the test warehouse.
    await giveTestWarehouseAnAddress(s.db);
    const placed = await postCheckout(s.t, shopper, checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } }));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const orderId = placed.body.orderId as string;
    const view = () => request(s.t.app).get(`/orders/${orderId}`).set('Authorization', shopper.bearer);
    const started = await eventually(view, (res) => res.body.shipments?.length === 1, { what: 'the parcel started' });
    const { shipmentId, warehouseCode } = started.body.shipments[0] as { shipmentId: string; warehouseCode: string };
    const warehouse = await s.t.warehouseBearer(warehouseCode);
    const packed = await request(s.t.app)
      .post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/pack`)
      .set('Authorization', warehouse)
      .send({ weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } });
    assert.equal(packed.body.stage, 'label_purchased', JSON.stringify(packed.body));
    const handed = await request(s.t.app).post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/hand-over`).set('Authorization', warehouse);
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    return { orderId, total: placed.body.totals.total.amount as number, shipmentId, warehouseCode };
  }

  /** The answer parses to itself: nothing outside the documented schema, nothing missing. */
  const documented = (body: unknown) => assert.deepEqual(orderDetails.parse(body), body);

  it('shows the delivered parcel with its warehouse, carrier, tracking, label and status history, and the ledger authorized then captured', async () => {
    const shopper = await newShopper(s.t);
    const { orderId, total, shipmentId, warehouseCode } = await shippedOrder(shopper);
    const view = () => request(s.t.app).get(`/orders/${orderId}`).set('Authorization', shopper.bearer);
    // The sandbox moves the parcel a step every 50 ms and tells the API by signed webhooks.
    const delivered = await eventually(view, (res) => res.body.status === 'delivered' && res.body.parcels?.[0]?.status === 'delivered', { what: 'the order delivered' });
    assert.equal(delivered.status, 200);
    documented(delivered.body);

    const [parcel, ...others] = delivered.body.parcels;
    assert.deepEqual(others, []);
    assert.equal(parcel.shipmentId, shipmentId);
    assert.equal(parcel.warehouseCode, warehouseCode);
    assert.equal(parcel.label, 'purchased');
    assert.match(parcel.carrier, /^Sandbox/);
    assert.ok(parcel.service);
    assert.match(parcel.trackingNumber, /\S/);
    assert.ok(parcel.trackingUrl?.endsWith(`/track/${parcel.trackingNumber}`), parcel.trackingUrl);
    assert.deepEqual(parcel.lines, [{ sku: delivered.body.lines[0].sku, quantity: 2 }]);
    assert.ok(parcel.shippedAt && parcel.deliveredAt);
    const history = parcel.history as Array<{ at: string; source: string; status: string }>;
    // Ours (recorded, handed over) and the carrier's (from the label's tracker to delivered), oldest
    // first. The sandbox steps every 50 ms, so the carrier may stamp a step before the stock left.
    assert.equal(history[0]!.status, 'recorded', JSON.stringify(history));
    assert.deepEqual(history.filter((h) => h.source === 'parcel').map((h) => h.status), ['recorded', 'handed_over']);
    assert.deepEqual(history.filter((h) => h.source === 'carrier').map((h) => h.status), ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered'], JSON.stringify(history));
    const seconds = history.map((h) => h.at.slice(0, 19));
    assert.deepEqual(seconds, [...seconds].sort(), 'oldest first');

    // The ledger, from the database: authorized then captured, the PaymentIntent as the reference.
    const ledger = delivered.body.paymentLedger as Array<Record<string, unknown>>;
    assert.deepEqual(
      ledger.map((l) => [l.kind, l.amount]),
      [
        ['authorized', { amount: total, currency: 'USD' }],
        ['captured', { amount: total, currency: 'USD' }],
      ],
    );
    assert.ok(ledger.every((l) => l.providerReference === delivered.body.payment.externalId && String(l.providerReference).startsWith('pi_')));
    assert.ok(ledger.every((l) => !('idempotencyKey' in l)), 'a customer never sees our idempotency keys');

    // Support reads the same order, with the keys that tie each row to its step.
    const staff = await request(s.t.app).get(`/support/orders/${orderId}`).set('Authorization', support);
    assert.equal(staff.status, 200);
    documented(staff.body);
    assert.deepEqual(staff.body.parcels, delivered.body.parcels);
    assert.match(staff.body.paymentLedger[1].idempotencyKey, new RegExp(`^capture-${orderId}-1/capture`));

    // Another customer cannot read it at all.
    const stranger = await newShopper(s.t);
    assert.equal((await request(s.t.app).get(`/orders/${orderId}`).set('Authorization', stranger.bearer)).status, 404);
  });

  it("support finds the order by its parcel's tracking number and state once the orders index catches up", async () => {
    const shopper = await newShopper(s.t);
    const { orderId, shipmentId } = await shippedOrder(shopper);
    const row = () => s.db.selectFrom('shipments').select(['status', 'tracking_number']).where('id', '=', shipmentId).executeTakeFirstOrThrow();
    const { tracking_number: trackingNumber } = await eventually(row, (r) => r.status === 'delivered', { what: 'the parcel delivered' });
    assert.ok(trackingNumber);

    // Every change of the parcel's row was a change of its order's document.
    const versions = () => s.db.selectFrom('orders').select(['search_version', 'search_indexed_version']).where('id', '=', orderId).executeTakeFirstOrThrow();
    const before = await versions();
    assert.ok(before.search_indexed_version < before.search_version, JSON.stringify(before));

    await testStack().temporal.client.workflow.execute<CatchUpOrderIndexWorkflow>(catchUpOrderIndexWorkflowType, {
      workflowId: uniqueId('order-search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });
    const after = await versions();
    assert.equal(after.search_indexed_version, after.search_version);

    const search = (query: Record<string, string>) => request(s.t.app).get('/support/orders').query(query).set('Authorization', support);
    const found = await eventually(() => search({ trackingNumber: trackingNumber.toLowerCase() }), (res) => res.body.items?.length > 0, { what: 'the order by tracking number' });
    assert.equal(found.status, 200);
    assert.deepEqual(found.body.items.map((o: { orderId: string }) => o.orderId), [orderId]);
    const [document] = found.body.items;
    assert.deepEqual(document.trackingNumbers, [trackingNumber]);
    assert.deepEqual(document.shipmentStatuses, ['delivered']);
    assert.equal(document.shipments[0].shipmentId, shipmentId);
    assert.equal(document.shipments[0].trackingNumber, trackingNumber);

    const byState = await search({ orderId, shipmentStatus: 'delivered' });
    assert.deepEqual(byState.body.items.map((o: { orderId: string }) => o.orderId), [orderId]);
    const notInState = await search({ orderId, shipmentStatus: 'in_transit' });
    assert.deepEqual(notInState.body.items, []);
    assert.deepEqual((await search({ trackingNumber: 'EZNOSUCHCODE' })).body.items, []);
  });
});
