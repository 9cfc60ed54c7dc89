import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { createStripe } from '../../platform/create-stripe';
import { eventually } from '../support/eventually';
import { stripeSandbox } from '../support/stripe-sandbox';
import { testConfig } from '../support/test-stack';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/** The Stripe sandbox's own spec (sandboxes/stripe), driven through the official SDK as the app drives it. */
describe('Stripe sandbox', () => {
  const config = testConfig();
  const sandbox = stripeSandbox();
  const stripe = createStripe(config);
  let receiver: WebhookReceiver;
  let endpointId: string;

  before(async () => {
    receiver = await startWebhookReceiver();
    endpointId = (await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] })).id;
  });
  after(async () => {
    await stripe.webhookEndpoints.del(endpointId);
    await receiver.close();
  });

  // The sandbox is shared by the whole run: every key of this suite is its own.
  const key = (name: string) => `sandbox-spec-${randomUUID()}/${name}`;
  const authorize = (amount = 5000, paymentMethod = 'pm_card_visa', multicapture = false) =>
    stripe.paymentIntents.create(
      {
        amount,
        currency: 'usd',
        payment_method: paymentMethod,
        capture_method: 'manual',
        confirm: true,
        ...(multicapture && { payment_method_options: { card: { request_multicapture: 'if_available' } } }),
        expand: ['latest_charge'],
      },
      { idempotencyKey: key('authorize') },
    );
  /** The error a call rejects with, for a closer look than assert.rejects gives. */
  const failureOf = async (call: Promise<unknown>): Promise<Stripe.errors.StripeError> =>
    call.then(
      () => assert.fail('Stripe should have refused'),
      (error: unknown) => {
        assert.ok(error instanceof Stripe.errors.StripeError, String(error));
        return error;
      },
    );
  /** The events the endpoint received about one PaymentIntent (or its charges and refunds), each verified as signed. */
  const eventsAbout = (paymentIntentId: string): Stripe.Event[] =>
    receiver.received
      .map(({ body, signature }) => stripe.webhooks.constructEvent(body, signature, config.stripe.webhookSecret))
      .filter((event) => {
        const object = event.data.object as { id?: string; payment_intent?: string };
        return object.id === paymentIntentId || object.payment_intent === paymentIntentId;
      });

  describe('authorizations and idempotency', () => {
    it('authorizes a manual-capture PaymentIntent with pm_card_visa, capturable until capture_before (seven days)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const intent = await authorize(5000);
      assert.deepEqual([intent.status, intent.amount_capturable, intent.amount_received, intent.capture_method], ['requires_capture', 5000, 0, 'manual']);
      const charge = intent.latest_charge as Stripe.Charge;
      assert.deepEqual([charge.captured, charge.status, charge.payment_intent], [false, 'succeeded', intent.id]);
      const captureBefore = charge.payment_method_details?.card?.capture_before ?? 0;
      assert.ok(Math.abs(captureBefore - (now + 7 * 24 * 3600)) < 60, String(captureBefore));
    });

    it('replays the answer for the same key and body, marked idempotent-replayed', async () => {
      const params = { amount: 1200, currency: 'usd', payment_method: 'pm_card_visa', capture_method: 'manual' as const, confirm: true };
      const idempotencyKey = key('replay');
      const first = await stripe.paymentIntents.create(params, { idempotencyKey });
      const again = await stripe.paymentIntents.create(params, { idempotencyKey });
      assert.equal(again.id, first.id);
      assert.equal(again.lastResponse.headers['idempotent-replayed'], 'true');
      assert.equal(first.lastResponse.headers['idempotent-replayed'], undefined);
      assert.deepEqual(
        (await sandbox.requests({ idempotencyKeyPrefix: idempotencyKey })).map((r) => Boolean(r.replayed)),
        [false, true],
      );
    });

    it('refuses the same key with other parameters (StripeIdempotencyError)', async () => {
      const idempotencyKey = key('reuse');
      await stripe.paymentIntents.create({ amount: 1200, currency: 'usd' }, { idempotencyKey });
      const error = await failureOf(stripe.paymentIntents.create({ amount: 1300, currency: 'usd' }, { idempotencyKey }));
      assert.ok(error instanceof Stripe.errors.StripeIdempotencyError, error.type);
      assert.equal(error.statusCode, 400);
    });

    it('declines the documented decline cards with their codes, the failed intent in the error', async () => {
      const cases = [
        ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
        ['pm_card_chargeDeclinedLostCard', 'card_declined', 'lost_card'],
        ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', null],
      ] as const;
      for (const [paymentMethod, code, declineCode] of cases) {
        const error = await failureOf(authorize(5000, paymentMethod));
        assert.ok(error instanceof Stripe.errors.StripeCardError, paymentMethod);
        assert.deepEqual([error.statusCode, error.code, error.decline_code || null], [402, code, declineCode], paymentMethod);
        const failed = error.payment_intent;
        assert.deepEqual([failed?.status, failed?.last_payment_error?.code, failed?.amount_capturable], ['requires_payment_method', code, 0], paymentMethod);
        assert.equal((await sandbox.paymentIntent(failed!.id)).status, 'requires_payment_method');
      }
    });

    it('asks for authentication (requires_action), or fails with authentication_required under error_on_requires_action', async () => {
      const params = { amount: 5000, currency: 'usd', payment_method: 'pm_card_authenticationRequired', capture_method: 'manual' as const, confirm: true };
      const waiting = await stripe.paymentIntents.create(params, { idempotencyKey: key('3ds') });
      assert.deepEqual([waiting.status, waiting.next_action?.type], ['requires_action', 'use_stripe_sdk']);

      const error = await failureOf(stripe.paymentIntents.create({ ...params, error_on_requires_action: true }, { idempotencyKey: key('3ds-error') }));
      assert.ok(error instanceof Stripe.errors.StripeCardError);
      assert.equal(error.code, 'authentication_required');
      assert.equal(error.payment_intent?.status, 'requires_payment_method');
    });

    it("answers stripe-mock's 400 for a request it refuses, and keeps nothing under the key", async () => {
      const idempotencyKey = key('invalid');
      const error = await failureOf(stripe.paymentIntents.create({ amount: 'abc' as unknown as number, currency: 'usd' }, { idempotencyKey }));
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(error.statusCode, 400);
      assert.match(error.message, /amount/);
      // Nothing was kept: the key is free for another body.
      const intent = await stripe.paymentIntents.create({ amount: 700, currency: 'usd' }, { idempotencyKey });
      assert.equal(intent.amount, 700);
      assert.equal(intent.lastResponse.headers['idempotent-replayed'], undefined);
    });
  });

  describe('captures, cancels and refunds', () => {
    it('captures part with final_capture=false, keeps the rest held, then captures the rest', async () => {
      const intent = await authorize(5000, 'pm_card_visa', true);
      const partial = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 2000, final_capture: false }, { idempotencyKey: key('capture-1') });
      assert.deepEqual([partial.status, partial.amount_received, partial.amount_capturable], ['requires_capture', 2000, 3000]);
      const rest = await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 3000 }, { idempotencyKey: key('capture-2') });
      assert.deepEqual([rest.status, rest.amount_received, rest.amount_capturable], ['succeeded', 5000, 0]);
    });

    it('refuses a capture above what is capturable', async () => {
      const intent = await authorize(5000);
      const error = await failureOf(stripe.paymentIntents.capture(intent.id, { amount_to_capture: 5001 }, { idempotencyKey: key('capture') }));
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
      assert.deepEqual([error.param, error.code], ['amount_to_capture', 'amount_too_large']);
      assert.equal((await sandbox.paymentIntent(intent.id)).amount_capturable, 5000, 'the hold is untouched');
    });

    it('cancels once; a second cancel is payment_intent_unexpected_state carrying the canceled intent', async () => {
      const intent = await authorize(5000);
      const canceled = await stripe.paymentIntents.cancel(intent.id, { cancellation_reason: 'abandoned' }, { idempotencyKey: key('cancel-1') });
      assert.deepEqual([canceled.status, canceled.amount_capturable, canceled.cancellation_reason], ['canceled', 0, 'abandoned']);
      const error = await failureOf(stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: key('cancel-2') }));
      assert.ok(error instanceof Stripe.errors.StripeInvalidRequestError);
      assert.equal(error.code, 'payment_intent_unexpected_state');
      assert.equal(error.payment_intent?.status, 'canceled');
    });

    it('ends a partially captured intent succeeded when the rest is cancelled', async () => {
      const intent = await authorize(5000, 'pm_card_visa', true);
      await stripe.paymentIntents.capture(intent.id, { amount_to_capture: 1500, final_capture: false }, { idempotencyKey: key('capture') });
      const settled = await stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: key('cancel') });
      assert.deepEqual([settled.status, settled.amount_received, settled.amount_capturable], ['succeeded', 1500, 0]);
    });

    it('refunds part of a capture, refuses more than is left, and refuses to refund an uncaptured intent', async () => {
      const captured = await authorize(5000);
      await stripe.paymentIntents.capture(captured.id, {}, { idempotencyKey: key('capture') });
      const refund = await stripe.refunds.create({ payment_intent: captured.id, amount: 2000 }, { idempotencyKey: key('refund-1') });
      assert.deepEqual([refund.status, refund.amount, refund.payment_intent], ['succeeded', 2000, captured.id]);
      const tooMuch = await failureOf(stripe.refunds.create({ payment_intent: captured.id, amount: 3001 }, { idempotencyKey: key('refund-2') }));
      assert.deepEqual([tooMuch.statusCode, tooMuch.code], [400, 'amount_too_large']);

      const held = await authorize(5000);
      const uncaptured = await failureOf(stripe.refunds.create({ payment_intent: held.id }, { idempotencyKey: key('refund-3') }));
      assert.deepEqual([uncaptured.statusCode, uncaptured.code], [400, 'charge_not_refundable']);
    });

    it('fails a refund on pm_card_refundFail after it was accepted, and sends refund.failed', async () => {
      const intent = await authorize(5000, 'pm_card_refundFail');
      await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
      const refund = await stripe.refunds.create({ payment_intent: intent.id }, { idempotencyKey: key('refund') });
      assert.equal(refund.status, 'succeeded');

      const failed = await eventually(() => stripe.refunds.retrieve(refund.id), (r) => r.status === 'failed', { what: 'the refund failing' });
      assert.equal(failed.failure_reason, 'expired_or_canceled_card');
      const charge = await stripe.charges.retrieve(String((intent.latest_charge as Stripe.Charge).id));
      assert.equal(charge.amount_refunded, 0, 'the money is back on the charge');
      await eventually(
        async () => eventsAbout(intent.id).map((e) => e.type),
        (types) => types.includes('refund.failed'),
        { what: 'refund.failed delivered' },
      );
    });

    it('fails a succeeded refund on demand through the control API, with the reason given, and sends refund.failed', async () => {
      const intent = await authorize(5000);
      await stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') });
      const refund = await stripe.refunds.create({ payment_intent: intent.id, amount: 1200, metadata: { refund_id: 'r-1' } }, { idempotencyKey: key('refund') });
      assert.equal(refund.status, 'succeeded');
      const failed = await sandbox.failRefund(refund.id, 'lost_or_stolen_card');
      assert.deepEqual([failed.status, failed.failure_reason], ['failed', 'lost_or_stolen_card']);
      const charge = await stripe.charges.retrieve(String((intent.latest_charge as Stripe.Charge).id));
      assert.equal(charge.amount_refunded, 0, 'the money is back on the charge');
      await eventually(
        async () => eventsAbout(intent.id).map((e) => e.type),
        (types: string[]) => ['refund.created', 'refund.updated', 'charge.refunded', 'refund.failed'].every((t) => types.includes(t)),
        { what: 'refund.created, refund.updated, charge.refunded and refund.failed delivered' },
      );
    });

    it('lets an authorization expire on demand: canceled, cancellation_reason automatic', async () => {
      const intent = await authorize(5000);
      await sandbox.expire(intent.id);
      const expired = await stripe.paymentIntents.retrieve(intent.id);
      assert.deepEqual([expired.status, expired.cancellation_reason, expired.amount_capturable], ['canceled', 'automatic', 0]);
      const error = await failureOf(stripe.paymentIntents.capture(intent.id, {}, { idempotencyKey: key('capture') }));
      assert.equal(error.code, 'payment_intent_unexpected_state');
    });
  });

  describe('faults', () => {
    it('loses every answer a lose-answer fault covers, a replayed one too; the next retry gets the kept answer', async () => {
      const idempotencyKey = key('lost');
      await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: idempotencyKey, effect: 'lose-answer', times: 2 });
      // The SDK's own retries (maxNetworkRetries: 2) carry the same key.
      const intent = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' }, { idempotencyKey });
      const sent = await sandbox.requests({ idempotencyKeyPrefix: idempotencyKey });
      assert.deepEqual(
        sent.map((r) => [Boolean(r.lost), Boolean(r.replayed), r.response?.id]),
        [
          [true, false, intent.id],
          [true, true, intent.id],
          [false, true, intent.id],
        ],
      );
    });

    it('applies a fault scoped by key prefix to no other key', async () => {
      const scoped = key('scoped');
      await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: scoped, effect: 'fail' });
      const other = await stripe.paymentIntents.create({ amount: 900, currency: 'usd' }, { idempotencyKey: key('other') });
      assert.equal(other.lastResponse.headers['idempotent-replayed'], undefined);
      await stripe.paymentIntents.create({ amount: 900, currency: 'usd' }, { idempotencyKey: scoped });
      assert.deepEqual(
        (await sandbox.requests({ idempotencyKeyPrefix: scoped })).map((r) => r.status),
        [500, 200],
        'the fault took the scoped request, and the SDK retried',
      );
    });
  });

  describe('webhooks', () => {
    it('sends each event, signed with the webhook secret, in the order raised', async () => {
      const intent = await authorize(5000);
      await stripe.paymentIntents.cancel(intent.id, {}, { idempotencyKey: key('cancel') });

      const types = await eventually(
        async () => eventsAbout(intent.id).map((e) => e.type),
        (received) => received.includes('payment_intent.canceled'),
        { what: 'the cancel event delivered' },
      );
      assert.deepEqual(types, ['payment_intent.created', 'charge.succeeded', 'payment_intent.amount_capturable_updated', 'payment_intent.canceled']);
      const deliveries = (await sandbox.webhookDeliveries('payment_intent.canceled')).filter((d) => d.url === receiver.url);
      assert.ok(
        deliveries.some((d) => d.status === 200),
        JSON.stringify(deliveries),
      );
    });

    it('refuses an event whose signature does not match the body', async () => {
      const intent = await authorize(5000);
      const [created] = await eventually(
        async () => receiver.received.filter((r) => r.body.includes(intent.id)),
        (found) => found.length > 0,
        { what: 'an event about the intent' },
      );
      assert.throws(() => stripe.webhooks.constructEvent(created!.body.replace('5000', '5001'), created!.signature, config.stripe.webhookSecret), Stripe.errors.StripeSignatureVerificationError);
    });
  });
});
