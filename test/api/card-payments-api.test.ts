import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type Stripe from 'stripe';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { createStripe } from '../../platform/create-stripe';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout, type Shopper } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/**
 * Paying by card, end to end: the API, the order workflow and its activities, the official SDK,
 * and the Stripe sandbox, which keeps each PaymentIntent and sends its signed webhooks to this
 * API. Every way an order ends is checked at "Stripe", not only on our rows.
 */
describe('card payments through the Stripe sandbox (API, workflow, SDK, sandbox, webhooks)', function () {
  this.timeout(60_000);
  const sandbox = stripeSandbox();
  let t: TestApp;
  let workers: RunningTestWorkers;
  let server: http.Server;
  let stripe: Stripe;
  let endpoint: Stripe.WebhookEndpoint;
  let support: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    server = http.createServer(t.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stripe = createStripe(testConfig());
    const { port } = server.address() as AddressInfo;
    endpoint = await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${port}/webhooks/stripe`, enabled_events: ['*'] });
    support = await t.bearer('support', 'agent-card');
  });
  after(async () => {
    await stripe.webhookEndpoints.del(endpoint.id);
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([workers.stop(), t.close()]);
  });

  const db = () => t.deps.db;
  const card = (paymentMethodId: string) => ({ paymentMethod: { provider: 'stripe', paymentMethodId } });

  async function paymentOf(orderId: string) {
    return db()
      .selectFrom('payments')
      .select(['id', 'provider', 'status', 'external_id', 'authorized_amount', 'currency', 'failure_code'])
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
  }

  const writesFor = (orderId: string, path: string) => sandbox.requests({ method: 'POST', path, idempotencyKeyPrefix: `order-${orderId}/` });

  async function placeByCard(shopper: Shopper, options: { expect: number; paymentMethodId?: string }) {
    const { cartId, sku } = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 2500 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId, card(options.paymentMethodId ?? 'pm_card_visa')));
    assert.equal(res.status, options.expect, res.text);
    return { orderId: res.body.orderId as string, body: res.body, sku: sku.sku };
  }

  /** The order's authorization was released at the sandbox, once, and our row says so; stock is back. */
  async function assertReleased(orderId: string, sku: string) {
    const payment = await eventually(() => paymentOf(orderId), (p) => p.status === 'cancelled', { what: 'the payment row cancelled' });
    const intent = await sandbox.paymentIntent(payment.external_id!);
    assert.deepEqual({ status: intent.status, capturable: intent.amount_capturable, received: intent.amount_received }, { status: 'canceled', capturable: 0, received: 0 });
    const cancels = await writesFor(orderId, `/v1/payment_intents/${payment.external_id}/cancel`);
    assert.equal(cancels.filter((c) => c.status === 200).length, 1, 'one cancel took effect');
    assert.deepEqual(await findInventoryDrift(db(), { skus: [sku] }), []);
    assert.equal((await db().selectFrom('inventory').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved, 0);
  }

  it('pays by test card: 201 confirmed, the order total held at Stripe for capture, and the authorization events reach the order', async () => {
    const shopper = await newShopper(t);
    const { orderId, body } = await placeByCard(shopper, { expect: 201 });
    assert.equal(body.status, 'confirmed');

    const payment = await paymentOf(orderId);
    assert.equal(payment.provider, 'stripe');
    assert.equal(payment.status, 'authorized');
    assert.equal(payment.authorized_amount, body.totals.total.amount);
    const intent = await sandbox.paymentIntent(payment.external_id!);
    assert.deepEqual(
      { status: intent.status, capturable: intent.amount_capturable, captureMethod: intent.capture_method, orderId: (intent.metadata as Record<string, string>).orderId },
      { status: 'requires_capture', capturable: body.totals.total.amount, captureMethod: 'manual', orderId },
    );
    const creates = await writesFor(orderId, '/v1/payment_intents');
    assert.deepEqual(creates.map((c) => c.idempotencyKey), [`order-${orderId}/authorize`]);

    const events = await eventually(
      () => db().selectFrom('payment_events').select(['type', 'processed_at']).where('payment_id', '=', payment.id).execute(),
      (rows) => rows.length >= 3 && rows.every((row) => row.processed_at !== null),
      { what: 'the authorization webhooks signalled to the order' },
    );
    assert.deepEqual(events.map((e) => e.type).sort(), ['charge.succeeded', 'payment_intent.amount_capturable_updated', 'payment_intent.created']);
  });

  it("a declined card is a 402 naming the issuer's reason: nothing reserved, the order rejected, nothing held at Stripe", async () => {
    const shopper = await newShopper(t);
    const { orderId, body, sku } = await placeByCard(shopper, { expect: 402, paymentMethodId: 'pm_card_chargeDeclinedInsufficientFunds' });
    assert.equal(body.type, '/problems/payment-declined');
    assert.equal(body.details.declineCode, 'insufficient_funds');
    const payment = await paymentOf(orderId);
    assert.equal(payment.status, 'failed');
    const intent = await sandbox.paymentIntent(payment.external_id!);
    assert.deepEqual({ status: intent.status, capturable: intent.amount_capturable }, { status: 'requires_payment_method', capturable: 0 });
    const order = await db().selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirstOrThrow();
    assert.equal(order.status, 'rejected');
    assert.deepEqual(await findInventoryDrift(db(), { skus: [sku] }), []);
    assert.equal((await db().selectFrom('inventory').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved, 0);
  });

  it('a card that asks for 3-D Secure is declined at checkout as authentication_required (checkout has no step for it)', async () => {
    const shopper = await newShopper(t);
    const { body, sku } = await placeByCard(shopper, { expect: 402, paymentMethodId: 'pm_card_authenticationRequired' });
    assert.equal(body.type, '/problems/payment-declined');
    assert.match(JSON.stringify(body), /authentication_required/);
    assert.equal((await db().selectFrom('inventory').select('reserved').where('sku', '=', sku).executeTakeFirstOrThrow()).reserved, 0);
  });

  it('the customer cancels a card order: the authorization is released at Stripe and the stock comes back', async () => {
    const shopper = await newShopper(t);
    const { orderId, sku } = await placeByCard(shopper, { expect: 201 });
    const cancelled = await request(t.app).post(`/orders/${orderId}/cancel`).set('Authorization', shopper.bearer).send({ reason: 'changed my mind' });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    await assertReleased(orderId, sku);
  });

  it('support rejects a held card order: the authorization is released at Stripe', async () => {
    // A first order from a disposable inbox is held for review.
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { orderId, sku } = await placeByCard(shopper, { expect: 202 });
    assert.equal((await paymentOf(orderId)).status, 'authorized');
    const rejected = await request(t.app).post(`/support/orders/${orderId}/reject-risk`).set('Authorization', support).send({ reason: 'card reported stolen' });
    assert.equal(rejected.status, 200, JSON.stringify(rejected.body));
    await assertReleased(orderId, sku);
  });
});
