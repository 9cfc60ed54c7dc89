import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import Stripe from 'stripe';
import { createManualPaymentProvider } from '../../activities/payments/manual-payment-provider';
import { createPaymentActivities, type PaymentActivities } from '../../activities/payments/payment-activities';
import { createStripePaymentProvider } from '../../activities/payments/stripe-payment-provider';
import type { Database } from '../../db/database';
import { recordPaymentEvent } from '../../db/payment-events';
import { paymentIdFor } from '../../db/payments';
import { asBusinessFailure } from '../../domain/business-failure';
import { money } from '../../domain/money';
import { createStripe } from '../../platform/create-stripe';
import { createOrder, createTestDb, uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { paymentIntentIds, stripeSandbox, type RecordedRequest } from '../support/stripe-sandbox';
import { quietLogger, testConfig } from '../support/test-stack';

describe('payment activities (real PostgreSQL; the Stripe sandbox)', () => {
  const sandbox = stripeSandbox();
  let db: Kysely<Database>;
  let stripe: Stripe;
  let activities: PaymentActivities;

  before(() => {
    db = createTestDb();
    stripe = createStripe(testConfig());
    activities = createPaymentActivities({ db, providers: { stripe: createStripePaymentProvider({ stripe }), manual: createManualPaymentProvider() } });
  });
  after(async () => {
    await db.destroy();
  });

  /** Runs an activity as the order's workflow would: with that workflow's id in its context. */
  const run = <A extends unknown[], R>(orderId: string, activity: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment({ workflowExecution: { workflowId: `order-${orderId}`, runId: randomUUID() } }, { logger: quietLogger }).run(
      activity,
      ...args,
    ) as Promise<R>;

  const card = (paymentMethodId = 'pm_card_visa') => ({ provider: 'stripe' as const, paymentMethodId });
  // The sandbox serves every suite of the run: only requests under this order's keys are its own.
  const requestsOf = (orderId: string, keyPart = '') => sandbox.requests({ idempotencyKeyPrefix: `order-${orderId}/${keyPart}` });
  const creates = (orderId: string) => sandbox.requests({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: `order-${orderId}/` });
  const cancels = async (orderId: string) =>
    (await sandbox.requests({ method: 'POST', path: '/v1/payment_intents/*', idempotencyKeyPrefix: `order-${orderId}/` })).filter((r) => r.path.endsWith('/cancel'));
  const paymentsOf = (orderId: string) =>
    db
      .selectFrom('payments')
      .select(['id', 'provider', 'status', 'external_id', 'currency', 'authorized_amount', 'captured_amount', 'refunded_amount', 'failure_code'])
      .where('order_id', '=', orderId)
      .execute();
  const answerBody = (request: RecordedRequest | undefined): Record<string, unknown> => {
    assert.ok(request?.response, 'the request was answered');
    return request.response;
  };

  /**
   * Every write about the order reached Stripe with one of its keys, never one the SDK made up
   * (stripe-node-retry-...): writes are found by the order in their metadata or the intent in their path.
   */
  async function assertWorkflowKeys(orderId: string, intentIds: string[]): Promise<void> {
    const writes = (await sandbox.requests({ method: 'POST' })).filter(
      (r) => r.form['metadata[orderId]'] === orderId || intentIds.some((id) => r.path.includes(id) || r.form.payment_intent === id),
    );
    assert.ok(writes.length > 0, 'the order wrote to Stripe');
    for (const write of writes) assert.ok(write.idempotencyKey?.startsWith(`order-${orderId}/`), `${write.path} carried ${write.idempotencyKey}`);
  }

  describe('authorizePayment', () => {
    it('sends one PaymentIntent: manual capture, confirmed, the pm id, the order and workflow in metadata, the derived key', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const before = Math.floor(Date.now() / 1000);

      const result = await run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key });

      assert.equal((await requestsOf(order.id)).length, 1);
      const [create] = await creates(order.id);
      assert.equal(create?.idempotencyKey, key);
      assert.deepEqual(create?.form, {
        amount: '5000',
        currency: 'usd',
        payment_method: 'pm_card_visa',
        capture_method: 'manual',
        confirm: 'true',
        error_on_requires_action: 'true',
        'automatic_payment_methods[enabled]': 'true',
        'automatic_payment_methods[allow_redirects]': 'never',
        'payment_method_options[card][request_multicapture]': 'if_available',
        'metadata[orderId]': order.id,
        'metadata[workflowId]': `order-${order.id}`,
        'metadata[paymentId]': paymentIdFor(key),
        'expand[0]': 'latest_charge',
      });
      assert.equal(create?.status, 200, 'stripe-mock accepted the request as valid, and the card authorized');
      const answer = answerBody(create) as { id: string; latest_charge: { payment_method_details: { card: { capture_before: number } } } };
      const captureBefore = answer.latest_charge.payment_method_details.card.capture_before;
      assert.ok(Math.abs(captureBefore - (before + 7 * 24 * 3600)) < 60, `capture_before ${captureBefore} is seven days away`);
      assert.deepEqual(result, {
        status: 'authorized',
        paymentId: paymentIdFor(key),
        externalId: answer.id,
        authorizationExpiresAt: new Date(captureBefore * 1000).toISOString(),
        // Asked for with request_multicapture=if_available, and granted for this card.
        multicapture: true,
      });
      const intent = await sandbox.paymentIntent(answer.id);
      assert.deepEqual([intent.status, intent.amount_capturable, intent.amount_received], ['requires_capture', 5000, 0]);
      assert.deepEqual(intent.metadata, { orderId: order.id, workflowId: `order-${order.id}`, paymentId: paymentIdFor(key) });
      assert.deepEqual(await paymentsOf(order.id), [
        {
          id: paymentIdFor(key),
          provider: 'stripe',
          status: 'authorized',
          external_id: answer.id,
          currency: 'USD',
          authorized_amount: 5000,
          captured_amount: 0,
          refunded_amount: 0,
          failure_code: null,
        },
      ]);
      await assertWorkflowKeys(order.id, [answer.id]);
    });

    it('after a lost answer, the retry sends the same key (as do the SDK retries in between) and authorizes once', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const input = { orderId: order.id, amount: money(4200, 'EUR'), paymentMethod: card(), idempotencyKey: key };
      // The SDK tries three times (maxNetworkRetries: 2); all three answers are lost, so the activity fails.
      await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: key, effect: 'lose-answer', times: 3 });

      const error = await run(order.id, activities.authorizePayment, input).then(
        () => assert.fail('the first attempt should fail'),
        (e: unknown) => e,
      );
      assert.ok(error instanceof Stripe.errors.StripeAPIError, String(error));
      assert.equal(asBusinessFailure(error), undefined, 'a lost answer is an outage, retried, not a business outcome');
      assert.deepEqual(
        (await paymentsOf(order.id)).map((p) => [p.status, p.external_id]),
        [['pending', null]],
      );
      const [lost] = await creates(order.id);
      const held = await sandbox.paymentIntent(String(answerBody(lost).id));
      assert.equal(held.status, 'requires_capture', 'Stripe authorized although nobody heard it');

      const retried = await run(order.id, activities.authorizePayment, input);
      const again = await run(order.id, activities.authorizePayment, input);

      const sent = await creates(order.id);
      assert.equal(sent.length, 4, 'three lost, one answered; the run after success does not call Stripe');
      assert.deepEqual(new Set(sent.map((r) => r.idempotencyKey)), new Set([key]));
      assert.ok(sent.every((r) => JSON.stringify(r.form) === JSON.stringify(sent[0]?.form)), 'every retry sent the same parameters');
      assert.deepEqual(
        sent.map((r) => [Boolean(r.replayed), Boolean(r.lost)]),
        [
          [false, true],
          [true, true],
          [true, true],
          [true, false],
        ],
        'the first request did the work; every later one got its kept answer',
      );
      assert.deepEqual(paymentIntentIds(sent), new Set([held.id]), 'exactly one PaymentIntent was created');
      assert.deepEqual(again, retried);
      assert.equal(retried.externalId, held.id);
      const rows = await paymentsOf(order.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.status, 'authorized');
      assert.equal(rows[0]?.authorized_amount, 4200);
      assert.equal(rows[0]?.currency, 'EUR');
      await assertWorkflowKeys(order.id, [held.id]);
    });

    it('a declined card is a PaymentDeclined business failure with the decline code; a retry does not ask Stripe again', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const input = { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card('pm_card_chargeDeclinedInsufficientFunds'), idempotencyKey: key };

      const expected = { paymentId: paymentIdFor(key), code: 'card_declined', declineCode: 'insufficient_funds' };
      const isDecline = (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure, String(error));
        assert.equal(error.type, 'PaymentDeclined');
        assert.equal(error.nonRetryable, true);
        assert.deepEqual(error.details?.[0], expected);
        return true;
      };
      await assert.rejects(run(order.id, activities.authorizePayment, input), isDecline);
      await assert.rejects(run(order.id, activities.authorizePayment, input), isDecline);

      const sent = await creates(order.id);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.status, 402);
      const failedIntent = (answerBody(sent[0]).error as { payment_intent: { id: string } }).payment_intent;
      const intent = await sandbox.paymentIntent(failedIntent.id);
      assert.equal(intent.status, 'requires_payment_method');
      assert.equal((intent.last_payment_error as { decline_code: string }).decline_code, 'insufficient_funds');
      const [row] = await paymentsOf(order.id);
      assert.equal(row?.status, 'failed');
      assert.equal(row?.failure_code, 'card_declined:insufficient_funds');
      assert.equal(row?.external_id, failedIntent.id);
      assert.equal(row?.authorized_amount, 0);
      await assertWorkflowKeys(order.id, [failedIntent.id]);
    });

    it("declines each documented test card with its code, and a card that needs 3-D Secure (checkout has no step for it)", async () => {
      const cases = [
        ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
        ['pm_card_chargeDeclinedExpiredCard', 'expired_card', null],
        ['pm_card_authenticationRequired', 'authentication_required', 'authentication_required'],
      ] as const;
      for (const [paymentMethodId, code, declineCode] of cases) {
        const order = await createOrder(db);
        const key = `order-${order.id}/authorize`;
        await assert.rejects(
          run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(paymentMethodId), idempotencyKey: key }),
          (error: unknown) => {
            assert.ok(error instanceof ApplicationFailure && error.type === 'PaymentDeclined', String(error));
            assert.deepEqual(error.details?.[0], { paymentId: paymentIdFor(key), code, declineCode }, paymentMethodId);
            return true;
          },
        );
        const [row] = await paymentsOf(order.id);
        assert.equal(row?.status, 'failed', paymentMethodId);
        assert.equal((await sandbox.paymentIntent(row!.external_id!)).status, 'requires_payment_method', paymentMethodId);
      }
    });

    it('declines a payment method id that is not a pm_ id without calling Stripe', async () => {
      const order = await createOrder(db);
      await assert.rejects(
        run(order.id, activities.authorizePayment, {
          orderId: order.id,
          amount: money(5000, 'USD'),
          paymentMethod: card('4242424242424242'),
          idempotencyKey: `order-${order.id}/authorize`,
        }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'PaymentDeclined' && (error.details?.[0] as { code: string }).code === 'invalid_payment_method',
      );
      assert.equal((await requestsOf(order.id)).length, 0);
    });

    it('declines a PaymentMethod that Stripe does not know (resource_missing on payment_method)', async () => {
      const order = await createOrder(db);
      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card('pm_gone'), idempotencyKey: `order-${order.id}/authorize` }),
        (error: unknown) => {
          assert.ok(error instanceof ApplicationFailure && error.type === 'PaymentDeclined', String(error));
          assert.deepEqual(error.details?.[0], { paymentId: paymentIdFor(`order-${order.id}/authorize`), code: 'resource_missing', declineCode: null });
          return true;
        },
      );
      const sent = await creates(order.id);
      assert.equal(sent.length, 1, 'a 400 is not retried by the SDK');
      assert.deepEqual([sent[0]?.status, (answerBody(sent[0]).error as { param: string }).param], [400, 'payment_method']);
      assert.deepEqual(
        (await paymentsOf(order.id)).map((p) => [p.status, p.external_id, p.failure_code]),
        [['failed', null, 'resource_missing']],
      );
    });

    it('turns Stripe refusing a reused key (idempotency_error) into a non-retryable failure, not endless retries', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      // The key already went to Stripe with other parameters (say, an earlier build sent another amount).
      await stripe.paymentIntents.create({ amount: 4900, currency: 'usd' }, { idempotencyKey: key });

      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'IdempotencyKeyConflict' && error.nonRetryable && asBusinessFailure(error) === undefined,
      );
      const sent = await creates(order.id);
      assert.deepEqual(
        sent.map((r) => [r.status, (r.response?.error as { type?: string } | undefined)?.type ?? null]),
        [
          [200, null],
          [400, 'idempotency_error'],
        ],
        'the SDK does not retry the refusal',
      );
      assert.equal((await paymentsOf(order.id))[0]?.status, 'pending');
    });

    it('refuses a key already used for another order, and an unknown order, without calling the provider', async () => {
      const [first, second] = [await createOrder(db), await createOrder(db)];
      const key = `order-${first.id}/authorize`;
      await run(first.id, activities.authorizePayment, { orderId: first.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key });

      await assert.rejects(
        run(second.id, activities.authorizePayment, { orderId: second.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'IdempotencyKeyConflict' && error.nonRetryable,
      );
      const nowhere = randomUUID();
      await assert.rejects(
        run(nowhere, activities.authorizePayment, { orderId: nowhere, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: `order-${nowhere}/authorize` }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'UnknownOrder' && error.nonRetryable,
      );
      assert.equal((await creates(first.id)).length, 1);
      assert.equal((await requestsOf(nowhere)).length, 0);
      assert.deepEqual(await paymentsOf(second.id), []);
    });
  });

  describe('cancelPayment (the compensation)', () => {
    async function authorized(amount = 5000) {
      const order = await createOrder(db, { totalAmount: amount });
      const key = `order-${order.id}/authorize`;
      const payment = await run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(amount, 'USD'), paymentMethod: card(), idempotencyKey: key });
      return { orderId: order.id, payment, cancelKey: `order-${order.id}/cancel-payment` };
    }
    const released = async (paymentIntentId: string, reason = 'abandoned') => {
      const intent = await sandbox.paymentIntent(paymentIntentId);
      assert.deepEqual([intent.status, intent.amount_capturable, intent.cancellation_reason], ['canceled', 0, reason], 'the hold is released at Stripe');
    };

    it('cancels the authorized PaymentIntent with its own key, once', async () => {
      const { orderId, payment, cancelKey } = await authorized();

      const first = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });
      const second = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });

      assert.deepEqual(first, { cancelledPaymentIds: [payment.paymentId] });
      assert.deepEqual(second, { cancelledPaymentIds: [] });
      assert.equal((await requestsOf(orderId, 'cancel-payment')).length, 1);
      const [cancel] = await cancels(orderId);
      assert.equal(cancel?.path, `/v1/payment_intents/${payment.externalId}/cancel`);
      assert.equal(cancel?.idempotencyKey, `${cancelKey}/${payment.paymentId}`);
      assert.deepEqual(cancel?.form, { cancellation_reason: 'abandoned' });
      assert.equal(cancel?.status, 200);
      await released(payment.externalId);
      const [row] = await paymentsOf(orderId);
      assert.equal(row?.status, 'cancelled');
      assert.equal(row?.authorized_amount, 5000, 'what was authorized stays as history');
      assert.equal(row?.captured_amount, 0);
      await assertWorkflowKeys(orderId, [payment.externalId]);
    });

    it('a cancel whose answer was lost is retried with the same key', async () => {
      const { orderId, payment, cancelKey } = await authorized();
      await sandbox.fault({ method: 'POST', path: `/v1/payment_intents/${payment.externalId}/cancel`, idempotencyKeyPrefix: cancelKey, effect: 'lose-answer', times: 3 });

      await assert.rejects(run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }), (e: unknown) => e instanceof Stripe.errors.StripeAPIError);
      assert.equal((await paymentsOf(orderId))[0]?.status, 'authorized');
      await released(payment.externalId);
      const done = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });

      assert.deepEqual(done, { cancelledPaymentIds: [payment.paymentId] });
      const sent = await cancels(orderId);
      assert.equal(sent.length, 4);
      assert.deepEqual(new Set(sent.map((r) => r.idempotencyKey)), new Set([`${cancelKey}/${payment.paymentId}`]));
      assert.deepEqual(
        sent.map((r) => Boolean(r.replayed)),
        [false, true, true, true],
        'one cancel was carried out; the retries got its kept answer',
      );
      assert.equal((await paymentsOf(orderId))[0]?.status, 'cancelled');
    });

    it('counts a PaymentIntent Stripe reports as already cancelled as cancelled', async () => {
      const { orderId, payment, cancelKey } = await authorized();
      // Cancelled elsewhere (the dashboard, or by us past Stripe's idempotency window).
      await stripe.paymentIntents.cancel(payment.externalId, { cancellation_reason: 'requested_by_customer' }, { idempotencyKey: uniqueId('dashboard') });

      assert.deepEqual(await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }), { cancelledPaymentIds: [payment.paymentId] });
      const [cancel] = await cancels(orderId);
      assert.equal(cancel?.status, 400);
      assert.equal((answerBody(cancel).error as { code: string }).code, 'payment_intent_unexpected_state');
      await released(payment.externalId, 'requested_by_customer');
      assert.equal((await paymentsOf(orderId))[0]?.status, 'cancelled');
    });

    it('refuses, without retrying, to cancel a PaymentIntent that was captured', async () => {
      const { orderId, payment, cancelKey } = await authorized();
      await stripe.paymentIntents.capture(payment.externalId, {}, { idempotencyKey: `order-${orderId}/capture` });

      await assert.rejects(
        run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'PaymentAlreadyCaptured' && error.nonRetryable,
      );
      assert.equal((await cancels(orderId)).length, 1);
      const intent = await sandbox.paymentIntent(payment.externalId);
      assert.deepEqual([intent.status, intent.amount_received], ['succeeded', 5000], 'the captured money stays captured');
      assert.equal((await paymentsOf(orderId))[0]?.status, 'authorized');
    });

    it('does nothing when nothing was authorized: no payment, or only a declined one', async () => {
      const empty = await createOrder(db);
      assert.deepEqual(await run(empty.id, activities.cancelPayment, { orderId: empty.id, idempotencyKey: `order-${empty.id}/cancel-payment` }), {
        cancelledPaymentIds: [],
      });

      const declinedOrder = await createOrder(db);
      await assert.rejects(
        run(declinedOrder.id, activities.authorizePayment, {
          orderId: declinedOrder.id,
          amount: money(5000, 'USD'),
          paymentMethod: card('pm_card_chargeDeclined'),
          idempotencyKey: `order-${declinedOrder.id}/authorize`,
        }),
      );
      assert.deepEqual(
        await run(declinedOrder.id, activities.cancelPayment, { orderId: declinedOrder.id, idempotencyKey: `order-${declinedOrder.id}/cancel-payment` }),
        { cancelledPaymentIds: [] },
      );
      assert.equal((await requestsOf(empty.id)).length, 0);
      assert.equal((await requestsOf(declinedOrder.id, 'cancel-payment')).length, 0);
      assert.equal((await paymentsOf(declinedOrder.id))[0]?.status, 'failed');
    });

    it('wins over an authorization still in flight: the late authorization is released, not kept', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const cancelKey = `order-${order.id}/cancel-payment`;
      // Stripe takes its time with the authorization (a timed-out attempt); the compensation runs meanwhile.
      await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: key, effect: 'delay', delayMs: 5_000 });
      const authorizing = run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key });
      const outcome = authorizing.then(
        () => assert.fail('the late authorization should not stand'),
        (e: unknown) => e,
      );
      await eventually(() => creates(order.id), (sent) => sent.length === 1, { what: 'the authorization reached Stripe' });

      const compensation = await run(order.id, activities.cancelPayment, { orderId: order.id, idempotencyKey: cancelKey });
      assert.equal((await creates(order.id))[0]?.status, undefined, 'the compensation finished while Stripe was still answering');

      const error = await outcome;
      assert.ok(error instanceof ApplicationFailure && error.type === 'PaymentCancelled' && error.nonRetryable, String(error));
      assert.deepEqual(compensation, { cancelledPaymentIds: [paymentIdFor(key)] });
      const externalId = String(answerBody((await creates(order.id))[0]).id);
      const sent = await cancels(order.id);
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.path, `/v1/payment_intents/${externalId}/cancel`);
      assert.equal(sent[0]?.idempotencyKey, `${key}/release`);
      await released(externalId);
      assert.deepEqual(
        (await paymentsOf(order.id)).map((p) => [p.status, p.external_id]),
        [['cancelled', externalId]],
      );
      await assertWorkflowKeys(order.id, [externalId]);
    });

    it("releases a payment whose authorization answer was lost, found through the PaymentIntent's webhook event", async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      await sandbox.fault({ method: 'POST', path: '/v1/payment_intents', idempotencyKeyPrefix: key, effect: 'lose-answer', times: 3 });
      await assert.rejects(run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key }));
      const [paymentIntentId] = paymentIntentIds(await creates(order.id));
      assert.ok(paymentIntentId, 'Stripe created the PaymentIntent whose answer was lost');
      const recorded = await recordPaymentEvent(db, {
        event: { provider: 'stripe', eventId: uniqueId('evt'), type: 'payment_intent.amount_capturable_updated', paymentIntentId, createdAt: 1_800_000_000 },
        orderId: order.id,
        paymentIdHint: paymentIdFor(key),
        raw: { id: 'evt' },
      });
      assert.equal(recorded.paymentId, paymentIdFor(key), 'the event is linked to the payment by the id in its metadata');

      const result = await run(order.id, activities.cancelPayment, { orderId: order.id, idempotencyKey: `order-${order.id}/cancel-payment` });

      assert.deepEqual(result, { cancelledPaymentIds: [paymentIdFor(key)] });
      assert.deepEqual(
        (await cancels(order.id)).map((r) => [r.path, r.idempotencyKey, r.status]),
        [[`/v1/payment_intents/${paymentIntentId}/cancel`, `order-${order.id}/cancel-payment/${paymentIdFor(key)}`, 200]],
      );
      await released(paymentIntentId);
      assert.deepEqual(
        (await paymentsOf(order.id)).map((p) => [p.status, p.external_id]),
        [['cancelled', paymentIntentId]],
      );
    });
  });

  describe('manual provider (invoice, cash on delivery)', () => {
    it('authorizes without moving money, and its compensation stays local', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const input = { orderId: order.id, amount: money(7300, 'USD'), paymentMethod: { provider: 'manual' as const }, idempotencyKey: key };

      const result = await run(order.id, activities.authorizePayment, input);
      assert.deepEqual(await run(order.id, activities.authorizePayment, input), result);
      assert.deepEqual(result, { status: 'authorized', paymentId: paymentIdFor(key), externalId: `manual:${key}`, authorizationExpiresAt: null, multicapture: true });
      const [row] = await paymentsOf(order.id);
      assert.deepEqual([row?.provider, row?.status, row?.authorized_amount], ['manual', 'authorized', 7300]);

      const cancelled = await run(order.id, activities.cancelPayment, { orderId: order.id, idempotencyKey: `order-${order.id}/cancel-payment` });
      assert.deepEqual(cancelled, { cancelledPaymentIds: [paymentIdFor(key)] });
      assert.equal((await requestsOf(order.id)).length, 0, 'nothing reached Stripe');
      assert.equal((await paymentsOf(order.id))[0]?.status, 'cancelled');
    });

    it('captures and refunds as asked, with ids derived from the keys', async () => {
      const manual = createManualPaymentProvider();
      assert.deepEqual(await manual.capture({ externalId: 'manual:k', amount: money(1000, 'USD'), idempotencyKey: 'capture-o-1' }), {
        externalId: 'manual:k',
        captured: money(1000, 'USD'),
        totals: null,
      });
      assert.deepEqual(await manual.refund({ externalId: 'manual:k', amount: money(400, 'USD'), idempotencyKey: 'refund-r-1', refundId: 'r-1', orderId: 'o' }), {
        refundId: 'manual:refund-r-1',
        status: 'succeeded',
        amount: money(400, 'USD'),
      });
    });
  });
});
