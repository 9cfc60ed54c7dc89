import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { ParcelAlerts } from '../../workflows/shared/search-attributes';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { createOrder, createPayment } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/** The value of one sample of the Prometheus text (0 when the series is absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** The sum of every sample of a metric whose labels include all of `labels` (the worker adds its own). */
function total(text: string, metric: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && wanted.every((w) => l.includes(w)))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('business metrics: the API and the worker (real workers, Temporal, PostgreSQL, sandboxes)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  const apiMetrics = async () => (await request(t.app).get('/metrics')).text;
  const workerMetrics = async () => (await fetch(testStack().workerMetricsUrl)).text();

  before(async () => {
    t = createTestApp();
    workers = await runTestWorkers();
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  it('counts checkouts by outcome and an oversell refusal by its reason; the worker serves the SDK\'s metrics', async () => {
    const confirmed = 'checkouts_total{outcome="confirmed",reason="none"}';
    const oversold = 'checkouts_total{outcome="rejected",reason="OutOfStock"}';
    const before = await apiMetrics();
    const localStepsBefore = total(await workerMetrics(), 'temporal_local_activity_succeed_endtoend_latency_count', {});

    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper, { onHand: 5, quantity: 1 });
    assert.equal((await postCheckout(t, shopper, checkoutBody(shopper, cartId))).status, 201);
    const late = await newShopper(t);
    const { cartId: goneCart, sku: gone } = await cartWith(t, late, { onHand: 5, quantity: 1 });
    await t.deps.db.updateTable('product_variants').set({ active: false }).where('sku', '=', gone.sku).execute();
    assert.equal((await postCheckout(t, late, checkoutBody(late, goneCart))).status, 409);

    const after = await apiMetrics();
    assert.equal(sample(after, confirmed), sample(before, confirmed) + 1);
    assert.equal(sample(after, oversold), sample(before, oversold) + 1);
    const worker = await workerMetrics();
    assert.ok(total(worker, 'temporal_local_activity_succeed_endtoend_latency_count', {}) >= localStepsBefore + 2, "the worker's own metrics count checkout's steps");
    assert.match(worker, /^temporal_worker_task_slots_available\{/m);
    assert.doesNotMatch(worker + after, new RegExp(`${shopper.email}|${late.email}`), 'no customer data in any label');
  });

  it('counts webhooks by source and outcome: a forged one as rejected, one about nothing of ours as ignored', async () => {
    const rejected = 'webhooks_received_total{source="stripe",outcome="rejected"}';
    const ignored = 'webhooks_received_total{source="stripe",outcome="ignored"}';
    const before = await apiMetrics();
    const payload = JSON.stringify({ id: `evt_${randomUUID().replaceAll('-', '')}`, object: 'event', type: 'customer.created', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_1', object: 'customer' } } });
    const post = () => request(t.app).post('/webhooks/stripe').set('Content-Type', 'application/json; charset=utf-8');

    assert.equal((await post().set('Stripe-Signature', 't=1,v1=forged').send(payload)).status, 400);
    const signature = t.deps.stripe.webhooks.generateTestHeaderString({ payload, secret: t.deps.config.stripe.webhookSecret });
    const accepted = await post().set('Stripe-Signature', signature).send(payload);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.outcome, 'ignored');

    const after = await apiMetrics();
    assert.equal(sample(after, rejected), sample(before, rejected) + 1);
    assert.equal(sample(after, ignored), sample(before, ignored) + 1);
  });

  it('reports orders stuck past a deadline by the search attributes their workflows raise, and checkouts that stalled', async () => {
    const parcelProblem = 'orders_stuck{reason="parcel_problem"}';
    const stalled = 'orders_stuck{reason="checkout_stalled"}';
    const before = await apiMetrics();

    // A stand-in for an order waiting on support: a run of a type no worker serves, on a queue nobody polls.
    const stuck = await t.deps.temporal.workflow.start('processOrder', {
      workflowId: `order-metrics-${randomUUID()}`,
      taskQueue: `nobody-polls-${randomUUID()}`,
      typedSearchAttributes: [{ key: ParcelAlerts, value: ['FAILED'] }],
    });
    const pending = await createOrder(t.deps.db);
    await t.deps.db.updateTable('orders').set({ created_at: sql<Date>`now() - interval '10 minutes'` }).where('id', '=', pending.id).execute();
    try {
      const after = await eventually(apiMetrics, (text) => sample(text, parcelProblem) === sample(before, parcelProblem) + 1, { what: 'the stuck order counted' });
      assert.equal(sample(after, stalled), sample(before, stalled) + 1);
    } finally {
      await stuck.terminate('test over');
      await t.deps.db.deleteFrom('orders').where('id', '=', pending.id).execute();
    }
    await eventually(apiMetrics, (text) => sample(text, parcelProblem) === sample(before, parcelProblem), { what: 'a closed run no longer counted' });
  });

  it('counts authorizations whose hold lapses within a day with money still to capture', async () => {
    const expiring = 'payment_authorizations_expiring';
    const before = sample(await apiMetrics(), expiring);
    const order = await createOrder(t.deps.db);
    const soon = await createPayment(t.deps.db, order.id, 5000);
    const later = await createPayment(t.deps.db, (await createOrder(t.deps.db)).id, 5000);
    await t.deps.db.updateTable('payments').set({ authorization_expires_at: sql<Date>`now() + interval '2 hours'` }).where('id', '=', soon).execute();
    await t.deps.db.updateTable('payments').set({ authorization_expires_at: sql<Date>`now() + interval '3 days'` }).where('id', '=', later).execute();
    try {
      assert.equal(sample(await apiMetrics(), expiring), before + 1);
    } finally {
      await t.deps.db.updateTable('payments').set({ status: 'cancelled' }).where('id', 'in', [soon, later]).execute();
    }
    assert.equal(sample(await apiMetrics(), expiring), before);
  });
});
