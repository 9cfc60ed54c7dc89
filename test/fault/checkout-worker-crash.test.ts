import assert from 'node:assert/strict';
import { orderIdFor } from '../../api/orders/checkout-start';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { localActivityMarker } from '../../platform/local-activity-marker';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { paymentIntentIds, stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { workerProcesses } from '../support/worker-process';
import { within } from '../support/within';

// No in-process workers here: the worker processes started below are the only ones serving the task queues.
describe('checkout when the worker process is killed mid-authorization (workers/main.ts, SIGKILL)', () => {
  const sandbox = stripeSandbox();
  let t: TestApp;
  const workers = workerProcesses();

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
  });
  after(async function () {
    this.timeout(60_000);
    await workers.stopAll();
    await t.close();
  });

  it('completes the order once, with one authorization and the same idempotency key on every provider request', async function () {
    this.timeout(180_000);
    const shopper = await newShopper(t);
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 1999 });
    const key = uniqueId('key');
    const orderId = orderIdFor(shopper.subject, key);
    const authorizeKey = `${orderWorkflowId(orderId)}/authorize`;

    // Stripe is slow with the first create; the worker dies meanwhile, so it never learns that Stripe authorized.
    await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: authorizeKey, effect: 'delay', delayMs: 3_000 });
    const providerRequests = () => sandbox.requests({ idempotencyKeyPrefix: `${orderWorkflowId(orderId)}/` });

    const first = await workers.start();
    const body = checkoutBody(shopper, cartId, { paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' } });
    // then() sends the request now; it waits for the answer through the crash and the retry.
    const answer = postCheckout(t, shopper, body, key).then((res) => res);

    await eventually(providerRequests, (sent) => sent.length === 1, { timeoutMs: 90_000, what: `the authorization reaching Stripe; worker output:\n${first.output()}` });
    await first.kill();
    const [cutOff] = await eventually(providerRequests, (sent) => sent[0]?.status !== undefined, { what: 'Stripe finishing the cut-off create' });
    const [authorizedMeanwhile] = paymentIntentIds([cutOff!]);
    assert.equal((await sandbox.paymentIntent(authorizedMeanwhile!)).status, 'requires_capture', 'Stripe authorized although the worker never heard it');

    // Cut off mid-step: the stock is held and the payment is pending, its provider outcome unknown.
    assert.deepEqual(await stockOf(sku.sku), { on_hand: 5, reserved: 2 });
    assert.deepEqual(await paymentsOf(orderId), [{ status: 'pending', external_id: null, authorized_amount: 0 }]);

    await workers.start();
    const res = await within(answer, 120_000, 'checkout did not answer after the worker restarted');

    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.status, 'confirmed');
    assert.equal(res.body.orderId, orderId);

    const orders = await t.deps.db.selectFrom('orders').select(['id', 'status']).where('idempotency_key', '=', `${shopper.subject}/${key}`).execute();
    assert.deepEqual(orders, [{ id: orderId, status: 'confirmed' }]);
    assert.deepEqual(await stockOf(sku.sku), { on_hand: 5, reserved: 2 }, 'the retried workflow did not reserve twice');
    const reservations = await t.deps.db.selectFrom('inventory_reservations').select(['quantity', 'status']).where('order_id', '=', orderId).execute();
    assert.deepEqual(reservations, [{ quantity: 2, status: 'reserved' }]);
    assert.deepEqual(await findInventoryDrift(t.deps.db, { skus: [sku.sku] }), []);

    const sent = await providerRequests();
    assert.deepEqual(
      sent.map((r) => [r.method, r.path, r.idempotencyKey, Boolean(r.replayed)]),
      [
        ['POST', '/v1/payment_intents', authorizeKey, false],
        ['POST', '/v1/payment_intents', authorizeKey, true],
      ],
      'only the cut-off create and its retry reached the provider; the retry got the kept answer',
    );
    assert.deepEqual(sent[1]!.form, sent[0]!.form, 'the retry asked for the same PaymentIntent');
    assert.deepEqual(paymentIntentIds(sent), new Set([authorizedMeanwhile]), 'one PaymentIntent');
    const total = (res.body.totals as { total: { amount: number } }).total.amount;
    assert.deepEqual(await paymentsOf(orderId), [{ status: 'authorized', external_id: authorizedMeanwhile, authorized_amount: total }]);

    // The kill really cut the step: the workflow task running it timed out with the worker, and the
    // new worker ran the authorization again; the history holds one result for it.
    const history = await testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    const events = history.events ?? [];
    assert.equal(events.filter((e) => e.workflowTaskTimedOutEventAttributes).length, 1);
    assert.equal(events.filter((e) => localActivityMarker(e)?.activityType === 'authorizePayment').length, 1);
  });

  const stockOf = (sku: string) => t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).executeTakeFirstOrThrow();
  const paymentsOf = (orderId: string) =>
    t.deps.db.selectFrom('payments').select(['status', 'external_id', 'authorized_amount']).where('order_id', '=', orderId).execute();
});
