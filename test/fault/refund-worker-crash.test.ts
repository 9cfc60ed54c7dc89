import assert from 'node:assert/strict';
import request from 'supertest';
import type Stripe from 'stripe';
import { createStripe } from '../../platform/create-stripe';
import { redisReady } from '../support/cart-fixtures';
import { startCarrierSandbox, type RunningCarrierSandbox } from '../support/carrier-sandbox';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';
import { workerProcesses } from '../support/worker-process';

const PACKED = { weightGrams: 800, dimensionsCm: { length: 30, width: 20, height: 10 } };

/**
 * A refund when the worker process dies while Stripe takes it (workers/main.ts, SIGKILL): a new
 * worker asks again under `refund-<refundId>/create`, so Stripe refunds once, and the ledger
 * records it once.
 */
// No in-process workers here: the worker processes started below are the only ones serving the task queues.
describe('a refund when the worker process is killed mid-call to Stripe (workers/main.ts, SIGKILL)', () => {
  const stripe = stripeSandbox();
  let carrier: RunningCarrierSandbox;
  let t: TestApp;
  const workers = workerProcesses({ carrier: () => carrier });

  before(async () => {
    carrier = await startCarrierSandbox();
    t = createTestApp();
    await redisReady(t.deps.redis);
  });
  after(async function () {
    this.timeout(60_000);
    await stripe.clearFaults();
    await workers.stopAll();
    await t.close();
    await carrier.stop();
  });

  const ledgerOf = (orderId: string) => t.deps.db.selectFrom('payment_ledger').select(['kind', 'amount', 'idempotency_key', 'provider_reference']).where('order_id', '=', orderId).orderBy('id').execute();

  it('SIGKILL while Stripe takes the refund: one refund request key at Stripe, one refund, recorded once', async function () {
    this.timeout(300_000);
    await workers.start();
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 2500 });
    await giveTestWarehouseAnAddress(t.deps.db);
    const placed = await postCheckout(t, shopper, checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } }));
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const orderId = placed.body.orderId as string;
    const view = () => request(t.app).get(`/orders/${orderId}`).set('Authorization', shopper.bearer);
    const started = await eventually(view, (res) => res.body.shipments?.length === 1, { timeoutMs: 60_000, what: 'the parcel started' });
    const { shipmentId, warehouseCode } = started.body.shipments[0] as { shipmentId: string; warehouseCode: string };
    const warehouse = await t.warehouseBearer(warehouseCode);
    assert.equal((await request(t.app).post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/pack`).set('Authorization', warehouse).send(PACKED)).status, 200);
    assert.equal((await request(t.app).post(`/warehouse/${warehouseCode}/shipments/${shipmentId}/hand-over`).set('Authorization', warehouse)).status, 200);
    await eventually(view, (res) => res.body.payment?.captured?.amount === placed.body.totals.total.amount, { timeoutMs: 60_000, what: 'the order captured' });

    // Stripe is slow with the refund (it refunds after the delay); the worker dies meanwhile.
    await stripe.fault({ method: 'POST', path: '/v1/refunds', idempotencyKeyPrefix: 'refund-', effect: 'delay', delayMs: 5_000 });
    const asked = await request(t.app)
      .post(`/support/orders/${orderId}/refunds`)
      .set('Authorization', await t.bearer('support', 'agent-crash'))
      .send({ reason: 'parcel arrived broken', refundReason: 'damaged', amount: 1000 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const key = `refund-${asked.body.refundId as string}/create`;
    const refundRequests = () => stripe.requests({ method: 'POST', path: '/v1/refunds', idempotencyKeyPrefix: `refund-${asked.body.refundId as string}/` });
    await eventually(refundRequests, (sent) => sent.length === 1, { timeoutMs: 60_000, what: `the refund reaching Stripe; worker output:\n${workers.last().output().slice(-3000)}` });
    await workers.killRunning();
    const [cutOff] = await eventually(refundRequests, (sent) => sent[0]?.status !== undefined, { what: 'Stripe finishing the cut-off refund' });
    assert.equal(cutOff!.status, 200, JSON.stringify(cutOff!.response));
    assert.ok(!(await ledgerOf(orderId)).some((r) => r.kind === 'refunded'), 'the worker died before it recorded the refund');

    await workers.start();
    const ledger = await eventually(() => ledgerOf(orderId), (rows) => rows.some((r) => r.kind === 'refunded'), { timeoutMs: 120_000, what: 'the refund recorded after the restart' });
    const sent = await refundRequests();
    assert.ok(sent.length >= 2, 'the new worker asked again');
    assert.deepEqual(new Set(sent.map((r) => r.idempotencyKey)), new Set([key]));
    assert.equal(sent.filter((r) => !r.replayed).length, 1, JSON.stringify(sent.map((r) => [r.status, r.replayed])));
    const refundId = (cutOff!.response as { id: string }).id;
    assert.deepEqual(
      ledger.filter((r) => r.kind === 'refunded').map((r) => [r.amount, r.provider_reference]),
      [[1000, refundId]],
    );
    const payment = await t.deps.db.selectFrom('payments').select(['refunded_amount', 'refunding_amount', 'external_id']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual([payment.refunded_amount, payment.refunding_amount], [1000, 0]);
    const intent = await createStripe(testConfig()).paymentIntents.retrieve(payment.external_id!, { expand: ['latest_charge'] });
    assert.equal((intent.latest_charge as Stripe.Charge).amount_refunded, 1000, 'Stripe refunded once');
    const done = await eventually(view, (res) => res.body.refunds?.[0]?.stage === 'succeeded', { what: 'the order shows the refund done' });
    assert.equal(done.body.refunds.length, 1);
  });
});
