import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import Stripe from 'stripe';
import { createManualPaymentProvider } from '../../activities/payments/manual-payment-provider';
import { createPaymentActivities, type PaymentActivities } from '../../activities/payments/payment-activities';
import type { PaymentProvider } from '../../activities/payments/payment-provider';
import { createStripePaymentProvider } from '../../activities/payments/stripe-payment-provider';
import type { Database } from '../../db/database';
import { recordPaymentEvent } from '../../db/payment-events';
import { paymentIdFor } from '../../db/payments';
import { asBusinessFailure } from '../../domain/business-failure';
import { money } from '../../domain/money';
import { createStripe } from '../../platform/create-stripe';
import { createOrder, createTestDb, uniqueId } from '../support/db-fixtures';
import {
  authorizes,
  declines,
  failsWith,
  losesAnswers,
  startStripeRecorder,
  type RecordedStripeRequest,
  type StripeAnswer,
  type StripeRecorder,
} from '../support/stripe-recorder';
import { quietLogger, testConfig } from '../support/test-stack';

describe('payment activities (real PostgreSQL; stripe-mock behind a recording proxy)', () => {
  let db: Kysely<Database>;
  let recorder: StripeRecorder;
  let stripeProvider: PaymentProvider;
  let activities: PaymentActivities;

  before(async () => {
    db = createTestDb();
    const config = testConfig();
    if (!config.stripe.apiBase) throw new Error('STRIPE_API_BASE must point at stripe-mock');
    recorder = await startStripeRecorder(config.stripe.apiBase);
    stripeProvider = createStripePaymentProvider({ stripe: createStripe({ stripe: { ...config.stripe, apiBase: recorder.url } }) });
    activities = createPaymentActivities({ db, providers: { stripe: stripeProvider, manual: createManualPaymentProvider() } });
  });
  beforeEach(() => recorder.reset());
  after(async () => {
    await recorder.close();
    await db.destroy();
  });

  /** Runs an activity as the order's workflow would: with that workflow's id in its context. */
  const run = <A extends unknown[], R>(orderId: string, activity: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment({ workflowExecution: { workflowId: `order-${orderId}`, runId: randomUUID() } }, { logger: quietLogger }).run(
      activity,
      ...args,
    ) as Promise<R>;

  const card = (paymentMethodId = 'pm_card_visa') => ({ provider: 'stripe' as const, paymentMethodId });
  const isCreate = (r: RecordedStripeRequest) => r.method === 'POST' && r.path === '/v1/payment_intents';
  const isCancel = (r: RecordedStripeRequest) => r.method === 'POST' && /^\/v1\/payment_intents\/[^/]+\/cancel$/.test(r.path);
  const creates = () => recorder.requests.filter(isCreate);
  const cancels = () => recorder.requests.filter(isCancel);
  const paymentsOf = (orderId: string) =>
    db
      .selectFrom('payments')
      .select(['id', 'provider', 'status', 'external_id', 'currency', 'authorized_amount', 'captured_amount', 'refunded_amount', 'failure_code'])
      .where('order_id', '=', orderId)
      .execute();
  const answerBody = (request: RecordedStripeRequest | undefined): Record<string, unknown> => {
    assert.ok(request?.response, 'the request was answered');
    return request.response.body;
  };

  /** Every write reached Stripe with one of our keys, never one the SDK made up (stripe-node-retry-...). */
  function assertWorkflowKeys(): void {
    for (const write of recorder.requests.filter((r) => r.method === 'POST')) {
      assert.ok(write.idempotencyKey, `${write.path} without an Idempotency-Key`);
      assert.match(write.idempotencyKey, /^order-[0-9a-f-]{36}\//, `${write.path} carried ${write.idempotencyKey}`);
    }
  }

  describe('authorizePayment', () => {
    it('sends one PaymentIntent: manual capture, confirmed, the pm id, the order and workflow in metadata, the derived key', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const captureBefore = Math.floor(Date.now() / 1000) + 6 * 24 * 3600;
      recorder.rewrite(authorizes(captureBefore));

      const result = await run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key });

      assert.equal(recorder.requests.length, 1);
      const [create] = creates();
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
      assert.equal(create?.response?.status, 200, 'stripe-mock accepted the request as valid');
      const externalId = answerBody(create).id;
      assert.match(String(externalId), /^pi_/);
      assert.deepEqual(result, {
        status: 'authorized',
        paymentId: paymentIdFor(key),
        externalId,
        authorizationExpiresAt: new Date(captureBefore * 1000).toISOString(),
      });
      assert.deepEqual(await paymentsOf(order.id), [
        {
          id: paymentIdFor(key),
          provider: 'stripe',
          status: 'authorized',
          external_id: externalId,
          currency: 'USD',
          authorized_amount: 5000,
          captured_amount: 0,
          refunded_amount: 0,
          failure_code: null,
        },
      ]);
      assertWorkflowKeys();
    });

    it('after a lost answer, the retry sends the same key (as do the SDK retries in between) and authorizes once', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const input = { orderId: order.id, amount: money(4200, 'EUR'), paymentMethod: card(), idempotencyKey: key };
      // The SDK tries three times (maxNetworkRetries: 2); all three answers are lost, so the activity fails.
      recorder.rewrite(losesAnswers(3, isCreate, authorizes()));

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

      const retried = await run(order.id, activities.authorizePayment, input);
      const again = await run(order.id, activities.authorizePayment, input);

      assert.equal(creates().length, 4, 'three lost, one answered; the run after success does not call Stripe');
      assert.deepEqual(new Set(creates().map((r) => r.idempotencyKey)), new Set([key]));
      assert.ok(creates().every((r) => JSON.stringify(r.form) === JSON.stringify(creates()[0]?.form)), 'every retry sent the same parameters');
      assert.deepEqual(again, retried);
      assert.equal(retried.externalId, answerBody(creates()[3]).id);
      const rows = await paymentsOf(order.id);
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.status, 'authorized');
      assert.equal(rows[0]?.authorized_amount, 4200);
      assert.equal(rows[0]?.currency, 'EUR');
      assertWorkflowKeys();
    });

    it('a declined card is a PaymentDeclined business failure with the decline code; a retry does not ask Stripe again', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const input = { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card('pm_card_visa_chargeDeclinedInsufficientFunds'), idempotencyKey: key };
      // stripe-mock cannot decline: the 402 card_error Stripe sends is put in place of its answer.
      recorder.rewrite(declines('insufficient_funds'));

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

      assert.equal(creates().length, 1);
      assert.equal(creates()[0]?.response?.status, 402);
      const failedIntent = (answerBody(creates()[0]).error as { payment_intent: { id: string } }).payment_intent;
      const [row] = await paymentsOf(order.id);
      assert.equal(row?.status, 'failed');
      assert.equal(row?.failure_code, 'card_declined:insufficient_funds');
      assert.equal(row?.external_id, failedIntent.id);
      assert.equal(row?.authorized_amount, 0);
      assertWorkflowKeys();
    });

    it("does not take stripe-mock's own answer (status requires_payment_method, even for a declining test card) for an authorization", async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;

      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card('pm_card_chargeDeclined'), idempotencyKey: key }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'PaymentDeclined',
      );
      const [create] = creates();
      assert.equal(create?.response?.status, 200, 'stripe-mock answers 200 for any test card');
      assert.equal(answerBody(create).status, 'requires_payment_method');
      assert.equal((await paymentsOf(order.id))[0]?.status, 'failed');
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
      assert.equal(recorder.requests.length, 0);
    });

    it('declines a PaymentMethod that Stripe does not know (resource_missing on payment_method)', async () => {
      const order = await createOrder(db);
      recorder.rewrite(
        failsWith(400, () => ({ type: 'invalid_request_error', code: 'resource_missing', param: 'payment_method', message: "No such PaymentMethod: 'pm_gone'" }), isCreate),
      );
      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card('pm_gone'), idempotencyKey: `order-${order.id}/authorize` }),
        (error: unknown) => {
          assert.ok(error instanceof ApplicationFailure && error.type === 'PaymentDeclined', String(error));
          assert.deepEqual(error.details?.[0], { paymentId: paymentIdFor(`order-${order.id}/authorize`), code: 'resource_missing', declineCode: null });
          return true;
        },
      );
      assert.equal(creates().length, 1, 'a 400 is not retried by the SDK');
    });

    it('turns Stripe refusing a reused key (idempotency_error) into a non-retryable failure, not endless retries', async () => {
      const order = await createOrder(db);
      recorder.rewrite(
        failsWith(400, () => ({ type: 'idempotency_error', message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.' }), isCreate),
      );
      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: `order-${order.id}/authorize` }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'IdempotencyKeyConflict' && error.nonRetryable && asBusinessFailure(error) === undefined,
      );
      assert.equal((await paymentsOf(order.id))[0]?.status, 'pending');
    });

    it('refuses a key already used for another order, and an unknown order, without calling the provider', async () => {
      const [first, second] = [await createOrder(db), await createOrder(db)];
      const key = `order-${first.id}/authorize`;
      recorder.rewrite(authorizes());
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
      assert.equal(creates().length, 1);
      assert.deepEqual(await paymentsOf(second.id), []);
    });
  });

  describe('cancelPayment (the compensation)', () => {
    async function authorized(amount = 5000) {
      const order = await createOrder(db, { totalAmount: amount });
      const key = `order-${order.id}/authorize`;
      recorder.rewrite(authorizes());
      const payment = await run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(amount, 'USD'), paymentMethod: card(), idempotencyKey: key });
      recorder.reset();
      return { orderId: order.id, payment, cancelKey: `order-${order.id}/cancel-payment` };
    }

    it('cancels the authorized PaymentIntent with its own key, once', async () => {
      const { orderId, payment, cancelKey } = await authorized();

      const first = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });
      const second = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });

      assert.deepEqual(first, { cancelledPaymentIds: [payment.paymentId] });
      assert.deepEqual(second, { cancelledPaymentIds: [] });
      assert.equal(recorder.requests.length, 1);
      const [cancel] = cancels();
      assert.equal(cancel?.path, `/v1/payment_intents/${payment.externalId}/cancel`);
      assert.equal(cancel?.idempotencyKey, `${cancelKey}/${payment.paymentId}`);
      assert.deepEqual(cancel?.form, { cancellation_reason: 'abandoned' });
      assert.equal(cancel?.response?.status, 200);
      const [row] = await paymentsOf(orderId);
      assert.equal(row?.status, 'cancelled');
      assert.equal(row?.authorized_amount, 5000, 'what was authorized stays as history');
      assert.equal(row?.captured_amount, 0);
      assertWorkflowKeys();
    });

    it('a cancel whose answer was lost is retried with the same key', async () => {
      const { orderId, payment, cancelKey } = await authorized();
      recorder.rewrite(losesAnswers(3, isCancel));

      await assert.rejects(run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }), (e: unknown) => e instanceof Stripe.errors.StripeAPIError);
      assert.equal((await paymentsOf(orderId))[0]?.status, 'authorized');
      const done = await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey });

      assert.deepEqual(done, { cancelledPaymentIds: [payment.paymentId] });
      assert.equal(cancels().length, 4);
      assert.deepEqual(new Set(cancels().map((r) => r.idempotencyKey)), new Set([`${cancelKey}/${payment.paymentId}`]));
      assert.equal((await paymentsOf(orderId))[0]?.status, 'cancelled');
    });

    it('counts a PaymentIntent Stripe reports as already cancelled as cancelled', async () => {
      const { orderId, payment, cancelKey } = await authorized();
      recorder.rewrite(
        failsWith(
          400,
          (intent) => ({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'already canceled', payment_intent: { ...intent, status: 'canceled' } }),
          isCancel,
        ),
      );
      assert.deepEqual(await run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }), { cancelledPaymentIds: [payment.paymentId] });
      assert.equal(cancels()[0]?.response?.status, 400);
      assert.equal((await paymentsOf(orderId))[0]?.status, 'cancelled');
    });

    it('refuses, without retrying, to cancel a PaymentIntent that was captured', async () => {
      const { orderId, cancelKey } = await authorized();
      recorder.rewrite(
        failsWith(
          400,
          (intent) => ({ type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'already captured', payment_intent: { ...intent, status: 'succeeded' } }),
          isCancel,
        ),
      );
      await assert.rejects(
        run(orderId, activities.cancelPayment, { orderId, idempotencyKey: cancelKey }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'PaymentAlreadyCaptured' && error.nonRetryable,
      );
      assert.equal((await paymentsOf(orderId))[0]?.status, 'authorized');
    });

    it('does nothing when nothing was authorized: no payment, or only a declined one', async () => {
      const empty = await createOrder(db);
      assert.deepEqual(await run(empty.id, activities.cancelPayment, { orderId: empty.id, idempotencyKey: `order-${empty.id}/cancel-payment` }), {
        cancelledPaymentIds: [],
      });

      const declinedOrder = await createOrder(db);
      recorder.rewrite(declines());
      await assert.rejects(
        run(declinedOrder.id, activities.authorizePayment, {
          orderId: declinedOrder.id,
          amount: money(5000, 'USD'),
          paymentMethod: card(),
          idempotencyKey: `order-${declinedOrder.id}/authorize`,
        }),
      );
      recorder.reset();
      assert.deepEqual(
        await run(declinedOrder.id, activities.cancelPayment, { orderId: declinedOrder.id, idempotencyKey: `order-${declinedOrder.id}/cancel-payment` }),
        { cancelledPaymentIds: [] },
      );
      assert.equal(recorder.requests.length, 0);
      assert.equal((await paymentsOf(declinedOrder.id))[0]?.status, 'failed');
    });

    it('wins over an authorization still in flight: the late authorization is released, not kept', async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      const cancelKey = `order-${order.id}/cancel-payment`;
      const authorizing = authorizes();
      let compensation: Promise<unknown> | undefined;
      // The compensation runs while Stripe is still answering the authorization (a timed-out attempt).
      recorder.rewrite(async (request, upstream): Promise<StripeAnswer | undefined> => {
        if (!isCreate(request)) return undefined;
        compensation = run(order.id, activities.cancelPayment, { orderId: order.id, idempotencyKey: cancelKey });
        await compensation;
        return authorizing(request, upstream);
      });

      await assert.rejects(
        run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key }),
        (error: unknown) => error instanceof ApplicationFailure && error.type === 'PaymentCancelled' && error.nonRetryable,
      );
      assert.deepEqual(await compensation, { cancelledPaymentIds: [paymentIdFor(key)] });
      const externalId = answerBody(creates()[0]).id;
      assert.equal(cancels().length, 1);
      assert.equal(cancels()[0]?.path, `/v1/payment_intents/${externalId}/cancel`);
      assert.equal(cancels()[0]?.idempotencyKey, `${key}/release`);
      assert.deepEqual(
        (await paymentsOf(order.id)).map((p) => [p.status, p.external_id]),
        [['cancelled', externalId]],
      );
      assertWorkflowKeys();
    });

    it("releases a payment whose authorization answer was lost, found through the PaymentIntent's webhook event", async () => {
      const order = await createOrder(db);
      const key = `order-${order.id}/authorize`;
      recorder.rewrite(losesAnswers(3, isCreate));
      await assert.rejects(run(order.id, activities.authorizePayment, { orderId: order.id, amount: money(5000, 'USD'), paymentMethod: card(), idempotencyKey: key }));
      recorder.reset();
      const paymentIntentId = `pi_${randomUUID().replaceAll('-', '')}`;
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
        cancels().map((r) => [r.path, r.idempotencyKey]),
        [[`/v1/payment_intents/${paymentIntentId}/cancel`, `order-${order.id}/cancel-payment/${paymentIdFor(key)}`]],
      );
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
      assert.deepEqual(result, { status: 'authorized', paymentId: paymentIdFor(key), externalId: `manual:${key}`, authorizationExpiresAt: null });
      const [row] = await paymentsOf(order.id);
      assert.deepEqual([row?.provider, row?.status, row?.authorized_amount], ['manual', 'authorized', 7300]);

      const cancelled = await run(order.id, activities.cancelPayment, { orderId: order.id, idempotencyKey: `order-${order.id}/cancel-payment` });
      assert.deepEqual(cancelled, { cancelledPaymentIds: [paymentIdFor(key)] });
      assert.equal(recorder.requests.length, 0, 'nothing reached Stripe');
      assert.equal((await paymentsOf(order.id))[0]?.status, 'cancelled');
    });

    it('captures and refunds as asked, with ids derived from the keys', async () => {
      const manual = createManualPaymentProvider();
      assert.deepEqual(await manual.capture({ externalId: 'manual:k', amount: money(1000, 'USD'), idempotencyKey: 'capture-o-1' }), {
        externalId: 'manual:k',
        captured: money(1000, 'USD'),
        totals: null,
      });
      assert.deepEqual(await manual.refund({ externalId: 'manual:k', amount: money(400, 'USD'), idempotencyKey: 'refund-r-1' }), {
        refundId: 'manual:refund-r-1',
        status: 'succeeded',
        amount: money(400, 'USD'),
      });
    });
  });

  describe('Stripe adapter: capture and refund', () => {
    it('captures part of an authorization, keeping the rest, with the caller key', async () => {
      const captured = await stripeProvider.capture({ externalId: 'pi_123', amount: money(2000, 'USD'), idempotencyKey: 'capture-o-1/capture', finalCapture: false });

      assert.equal(recorder.requests.length, 1);
      const [request] = recorder.requests;
      assert.deepEqual([request?.method, request?.path, request?.idempotencyKey], ['POST', '/v1/payment_intents/pi_123/capture', 'capture-o-1/capture']);
      assert.deepEqual(request?.form, { amount_to_capture: '2000', final_capture: 'false' });
      assert.equal(request?.response?.status, 200);
      const intent = answerBody(request);
      assert.deepEqual(captured, {
        externalId: intent.id,
        captured: money(2000, 'USD'),
        totals: { captured: money(Number(intent.amount_received), 'USD'), capturable: money(Number(intent.amount_capturable), 'USD') },
      });
    });

    it('refunds an amount with the caller key', async () => {
      const refunded = await stripeProvider.refund({ externalId: 'pi_123', amount: money(500, 'USD'), idempotencyKey: 'refund-r-1/refund' });

      const [request] = recorder.requests;
      assert.deepEqual([request?.method, request?.path, request?.idempotencyKey], ['POST', '/v1/refunds', 'refund-r-1/refund']);
      assert.deepEqual(request?.form, { payment_intent: 'pi_123', amount: '500' });
      const refund = answerBody(request);
      assert.deepEqual(refunded, { refundId: refund.id, status: refund.status, amount: money(500, 'USD') });
      assert.equal(refunded.status, 'succeeded');
    });
  });
});
