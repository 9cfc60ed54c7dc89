import assert from 'node:assert/strict';
import request from 'supertest';
import { carrierReferenceFor } from '../../activities/shipping/shipping-activities';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { redisReady } from '../support/cart-fixtures';
import { startCarrierSandbox, type RunningCarrierSandbox } from '../support/carrier-sandbox';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { workerProcesses } from '../support/worker-process';

const PACKED = { weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } };

/**
 * Fulfillment when the worker process dies mid-call (workers/main.ts, SIGKILL): the carrier has
 * bought the label, or Stripe is taking the capture, and the worker never hears the answer. A new
 * worker retries the step with what makes it idempotent (the parcel's reference at the carrier,
 * the capture's idempotency key at Stripe), so nothing is bought or taken twice.
 */
// No in-process workers here: the worker processes started below are the only ones serving the task queues.
describe('fulfillment when the worker process is killed mid-label and mid-capture (workers/main.ts, SIGKILL)', () => {
  const stripe = stripeSandbox();
  let carrier: RunningCarrierSandbox;
  let t: TestApp;
  /** The real worker, buying labels from this suite's carrier sandbox and paying through the Stripe sandbox. */
  const workers = workerProcesses({ carrier: () => carrier });

  before(async () => {
    carrier = await startCarrierSandbox();
    t = createTestApp();
    await redisReady(t.deps.redis);
  });
  after(async function () {
    this.timeout(60_000);
    await workers.stopAll();
    await t.close();
    await carrier.stop();
  });

  /** A card order of one line, confirmed, with its one parcel started. */
  async function confirmedOrder() {
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 2500 });
    await giveTestWarehouseAnAddress(t.deps.db);
    const placed = await postCheckout(t, shopper, checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } }));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const orderId = placed.body.orderId as string;
    const view = () => request(t.app).get(`/orders/${orderId}`).set('Authorization', shopper.bearer);
    const started = await eventually(view, (res) => res.body.shipments?.length === 1, { timeoutMs: 60_000, what: 'the parcel started' });
    const { shipmentId, warehouseCode } = started.body.shipments[0] as { shipmentId: string; warehouseCode: string };
    const warehouse = await t.warehouseBearer(warehouseCode);
    return {
      orderId,
      sku: sku.sku,
      total: placed.body.totals.total.amount as number,
      shipmentId,
      view,
      // then() sends the request now; callers wait for the answer when they need it.
      pack: () => request(t.app).post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/pack`).set('Authorization', warehouse).send(PACKED).then((res) => res),
      handOver: () => request(t.app).post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/hand-over`).set('Authorization', warehouse).then((res) => res),
    };
  }

  const shipmentRow = (id: string) => t.deps.db.selectFrom('shipments').select(['status', 'tracking_number']).where('id', '=', id).executeTakeFirstOrThrow();
  const ledgerOf = (orderId: string) => t.deps.db.selectFrom('payment_ledger').select(['kind', 'amount', 'idempotency_key']).where('order_id', '=', orderId).orderBy('id').execute();

  /** Stock reconciles with its ledger, and the payment's totals with its ledger rows, captured never above authorized. */
  async function assertReconciled(orderId: string, sku: string): Promise<void> {
    assert.deepEqual(await findInventoryDrift(t.deps.db, { skus: [sku] }), []);
    const payment = await t.deps.db.selectFrom('payments').select(['authorized_amount', 'captured_amount']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    const ledger = await ledgerOf(orderId);
    const sum = (kind: string) => ledger.filter((l) => l.kind === kind).reduce((total, l) => total + l.amount, 0);
    assert.deepEqual([payment.authorized_amount, payment.captured_amount], [sum('authorized'), sum('captured')]);
    assert.ok(payment.captured_amount <= payment.authorized_amount, JSON.stringify(payment));
  }

  it('SIGKILL while the carrier sells the label: a new worker finishes the purchase, and the parcel has exactly one label', async function () {
    this.timeout(300_000);
    await workers.start();
    const order = await confirmedOrder();
    const reference = carrierReferenceFor(order.shipmentId);
    // The carrier is slow to answer the purchase (it has sold the label by then); the worker dies meanwhile.
    await carrier.fault({ method: 'POST', path: '/v2/shipments/*', reference, effect: 'delay', delayMs: 10_000 });
    const packed = order.pack();

    const isBuy = (r: { method: string; path: string }) => r.method === 'POST' && r.path.endsWith('/buy');
    const [bought] = await eventually(
      async () => (await carrier.requests({ reference })).filter(isBuy),
      (buys) => buys[0]?.status === 200,
      { timeoutMs: 60_000, what: `the label bought at the carrier; worker output:\n${workers.last().output().slice(-3000)}` },
    );
    await workers.killLast();
    assert.equal(await carrier.labels(reference), 1, 'the carrier sold the label the worker never heard of');
    assert.equal((await shipmentRow(order.shipmentId)).tracking_number, null, 'cut off before the label was recorded');

    await workers.start();
    const row = await eventually(() => shipmentRow(order.shipmentId), (r) => r.status === 'label_purchased', { timeoutMs: 120_000, what: 'the label recorded after the restart' });
    assert.equal(await carrier.labels(reference), 1, 'exactly one label for the parcel');
    assert.equal(row.tracking_number, (bought!.response as { tracking_code: string }).tracking_code, 'the label the dead worker bought is the one recorded');
    assert.equal((await packed).status, 200);

    // The parcel goes on as any other: handed over, its share captured once.
    const handed = await order.handOver();
    assert.equal(handed.status, 200, JSON.stringify(handed.body));
    await eventually(() => ledgerOf(order.orderId), (rows) => rows.some((r) => r.kind === 'captured'), { timeoutMs: 60_000, what: 'the capture at handover' });
    assert.equal(await carrier.labels(reference), 1);
    await assertReconciled(order.orderId, order.sku);
  });

  it('SIGKILL while Stripe takes the capture: a new worker retries under the same key, and the money is taken once', async function () {
    this.timeout(300_000);
    await workers.running();
    const order = await confirmedOrder();
    const packed = await order.pack();
    assert.equal(packed.body.stage, 'label_purchased', JSON.stringify(packed.body));

    // Stripe is slow with the capture (it takes it after the delay); the worker dies meanwhile.
    const keyPrefix = `capture-${order.orderId}-`;
    await stripe.fault({ method: 'POST', path: '/v1/payment_intents/*', idempotencyKeyPrefix: keyPrefix, effect: 'delay', delayMs: 5_000 });
    const captureRequests = () => stripe.requests({ idempotencyKeyPrefix: keyPrefix });
    const handed = order.handOver();
    await eventually(captureRequests, (sent) => sent.length === 1, { timeoutMs: 60_000, what: `the capture reaching Stripe; worker output:\n${workers.last().output().slice(-3000)}` });
    await workers.killRunning();
    const [cutOff] = await eventually(captureRequests, (sent) => sent[0]?.status !== undefined, { what: 'Stripe finishing the cut-off capture' });
    assert.equal(cutOff!.status, 200, JSON.stringify(cutOff!.response));
    assert.deepEqual(await ledgerOf(order.orderId).then((rows) => rows.map((r) => r.kind)), ['authorized'], 'the worker died before it recorded the capture');

    await workers.start();
    const ledger = await eventually(() => ledgerOf(order.orderId), (rows) => rows.some((r) => r.kind === 'captured'), { timeoutMs: 120_000, what: 'the capture recorded after the restart' });
    assert.equal((await handed).status, 200);

    // One capture at Stripe: every capture request carried the one key, and only the first did anything.
    const sent = await captureRequests();
    assert.ok(sent.length >= 2, 'the new worker asked again');
    assert.deepEqual(new Set(sent.map((r) => r.idempotencyKey)), new Set([`capture-${order.orderId}-1/capture`]));
    assert.deepEqual(sent.filter((r) => !r.replayed).length, 1, JSON.stringify(sent.map((r) => [r.status, r.replayed])));
    const intentId = (cutOff!.response as { id: string }).id;
    const intent = await stripe.paymentIntent(intentId);
    assert.equal(intent.amount_received, order.total);

    // One captured row for it, with that key, and the order's view says so.
    assert.deepEqual(
      ledger.filter((r) => r.kind === 'captured').map((r) => [r.amount, r.idempotency_key]),
      [[order.total, `capture-${order.orderId}-1/capture`]],
    );
    const view = await eventually(order.view, (res) => res.body.payment?.status === 'captured', { what: 'the order captured' });
    assert.deepEqual(view.body.captures.map((c: { status: string }) => c.status), ['captured']);
    await assertReconciled(order.orderId, order.sku);
  });
});
