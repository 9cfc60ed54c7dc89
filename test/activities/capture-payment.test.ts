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
import { findPaymentLedger } from '../../db/payment-ledger';
import { money } from '../../domain/money';
import { createStripe } from '../../platform/create-stripe';
import { captureWorkflowId } from '../../workflows/payment/capture-order-payment.messages';
import { createOrder, createTestDb } from '../support/db-fixtures';
import { stripeSandbox } from '../support/stripe-sandbox';
import { quietLogger, testConfig } from '../support/test-stack';

describe('capturePayment (real PostgreSQL; the Stripe sandbox)', () => {
  const sandbox = stripeSandbox();
  let db: Kysely<Database>;
  let activities: PaymentActivities;

  before(() => {
    db = createTestDb();
    activities = createPaymentActivities({
      db,
      providers: { stripe: createStripePaymentProvider({ stripe: createStripe(testConfig()) }), manual: createManualPaymentProvider() },
    });
  });
  after(async () => {
    await db.destroy();
  });

  const run = <A extends unknown[], R>(workflowId: string, activity: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
    new MockActivityEnvironment({ workflowExecution: { workflowId, runId: randomUUID() } }, { logger: quietLogger }).run(activity, ...args) as Promise<R>;

  /** An order whose payment is authorized as checkout leaves it: through authorizePayment, on the order's workflow. */
  async function authorized(amount: number, paymentMethod: { provider: 'stripe'; paymentMethodId: string } | { provider: 'manual' } = { provider: 'stripe', paymentMethodId: 'pm_card_visa' }) {
    const order = await createOrder(db, { totalAmount: amount });
    const auth = await run(`order-${order.id}`, activities.authorizePayment, {
      orderId: order.id,
      amount: money(amount, 'USD'),
      paymentMethod: paymentMethod as never,
      idempotencyKey: `order-${order.id}/authorize`,
    });
    const capture = (n: number, captureAmount: number, finalCapture: boolean) =>
      run(captureWorkflowId(order.id, n), activities.capturePayment, {
        orderId: order.id,
        paymentId: auth.paymentId,
        amount: money(captureAmount, 'USD'),
        finalCapture,
        idempotencyKey: `${captureWorkflowId(order.id, n)}/capture`,
      });
    const captures = () => sandbox.requests({ method: 'POST', path: `/v1/payment_intents/${auth.externalId}/capture`, idempotencyKeyPrefix: `capture-${order.id}-` });
    const ledger = async () => (await findPaymentLedger(db, auth.paymentId)).map((row) => [row.kind, row.amount, row.idempotency_key, row.provider_reference]);
    const payment = () =>
      db.selectFrom('payments').select(['status', 'authorized_amount', 'captured_amount']).where('id', '=', auth.paymentId).executeTakeFirstOrThrow();
    return { orderId: order.id, ...auth, capture, captures, ledger, payment };
  }

  it('captures part with final_capture false, then the rest: the sandbox received the sum, the ledger and the totals agree', async () => {
    const p = await authorized(5000);

    const first = await p.capture(1, 2000, false);
    assert.deepEqual(first, { paymentId: p.paymentId, captured: money(2000, 'USD'), totalCaptured: money(2000, 'USD'), status: 'partially_captured', providerReference: p.externalId });
    const held = await sandbox.paymentIntent(p.externalId);
    assert.deepEqual([held.status, held.amount_received, held.amount_capturable], ['requires_capture', 2000, 3000]);

    const second = await p.capture(2, 3000, true);
    assert.deepEqual([second.captured, second.totalCaptured, second.status], [money(3000, 'USD'), money(5000, 'USD'), 'captured']);

    const intent = await sandbox.paymentIntent(p.externalId);
    assert.deepEqual([intent.status, intent.amount_received, intent.amount_capturable], ['succeeded', 5000, 0]);
    const sent = await p.captures();
    assert.deepEqual(
      sent.map((r) => [r.idempotencyKey, r.form, r.status]),
      [
        [`capture-${p.orderId}-1/capture`, { amount_to_capture: '2000', final_capture: 'false' }, 200],
        [`capture-${p.orderId}-2/capture`, { amount_to_capture: '3000' }, 200],
      ],
    );
    assert.deepEqual(await p.ledger(), [
      ['authorized', 5000, `order-${p.orderId}/authorize`, p.externalId],
      ['captured', 2000, `capture-${p.orderId}-1/capture`, p.externalId],
      ['captured', 3000, `capture-${p.orderId}-2/capture`, p.externalId],
    ]);
    assert.deepEqual(await p.payment(), { status: 'captured', authorized_amount: 5000, captured_amount: 5000 });
  });

  it('after a lost answer, the retry captures once at the sandbox and appends once; a later run answers from the ledger', async () => {
    const p = await authorized(5000);
    // The SDK tries three times (maxNetworkRetries: 2); all three answers are lost, so the attempt fails.
    await sandbox.fault({ method: 'POST', path: `/v1/payment_intents/${p.externalId}/capture`, idempotencyKeyPrefix: `capture-${p.orderId}-1/`, effect: 'lose-answer', times: 3 });

    const error = await p.capture(1, 2000, false).then(
      () => assert.fail('the first attempt should fail'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof Stripe.errors.StripeAPIError, String(error));
    assert.equal((await sandbox.paymentIntent(p.externalId)).amount_received, 2000, 'the sandbox captured although nobody heard it');
    assert.equal((await p.ledger()).length, 1, 'nothing recorded yet');

    const retried = await p.capture(1, 2000, false);
    const again = await p.capture(1, 2000, false);

    assert.deepEqual(again, retried);
    assert.deepEqual([retried.captured, retried.totalCaptured], [money(2000, 'USD'), money(2000, 'USD')]);
    const sent = await p.captures();
    assert.deepEqual(
      sent.map((r) => [Boolean(r.replayed), Boolean(r.lost)]),
      [
        [false, true],
        [true, true],
        [true, true],
        [true, false],
      ],
      'the first request captured; every later one got its kept answer, and the run after success asked nothing',
    );
    const intent = await sandbox.paymentIntent(p.externalId);
    assert.deepEqual([intent.amount_received, intent.amount_capturable], [2000, 3000]);
    assert.deepEqual((await p.ledger()).map(([kind, amount]) => [kind, amount]), [['authorized', 5000], ['captured', 2000]]);
    assert.deepEqual(await p.payment(), { status: 'partially_captured', authorized_amount: 5000, captured_amount: 2000 });
  });

  it('reports an authorization the sandbox let lapse as AuthorizationExpired, appends nothing and marks the payment expired', async () => {
    const p = await authorized(5000);
    await sandbox.expire(p.externalId);

    await assert.rejects(p.capture(1, 5000, true), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure, String(error));
      assert.deepEqual([error.type, error.nonRetryable], ['AuthorizationExpired', true]);
      return true;
    });
    assert.deepEqual((await p.ledger()).map(([kind]) => kind), ['authorized']);
    assert.deepEqual(await p.payment(), { status: 'expired', authorized_amount: 5000, captured_amount: 0 });
    // Asked again, it does not ask Stripe again.
    await assert.rejects(p.capture(2, 5000, true), (error: unknown) => error instanceof ApplicationFailure && error.type === 'AuthorizationExpired');
    assert.equal((await p.captures()).length, 1);
  });

  it('refuses, without calling Stripe, more than is left, a cancelled payment and a key reused for another amount', async () => {
    const p = await authorized(5000);
    await p.capture(1, 4000, false);
    const refused = (type: string) => (error: unknown) => error instanceof ApplicationFailure && error.type === type && error.nonRetryable;
    await assert.rejects(p.capture(2, 1001, true), refused('PaymentNotCapturable'));
    await assert.rejects(p.capture(1, 1000, true), refused('IdempotencyKeyConflict'));
    assert.equal((await p.captures()).length, 1);

    const cancelled = await authorized(3000);
    await run(`order-${cancelled.orderId}`, activities.cancelPayment, { orderId: cancelled.orderId, idempotencyKey: `order-${cancelled.orderId}/cancel-payment` });
    await assert.rejects(cancelled.capture(1, 3000, true), refused('PaymentNotCapturable'));
    assert.deepEqual((await cancelled.ledger()).map(([kind, amount]) => [kind, amount]), [['authorized', 3000], ['cancelled', 3000]]);
    assert.equal((await cancelled.captures()).length, 0);
  });

  it('records a manual payment\'s captures in the ledger without any call to Stripe', async () => {
    const p = await authorized(7300, { provider: 'manual' });
    const first = await p.capture(1, 3000, false);
    const second = await p.capture(2, 4300, true);
    assert.deepEqual([first.status, second.status, second.totalCaptured], ['partially_captured', 'captured', money(7300, 'USD')]);
    assert.deepEqual(await p.ledger(), [
      ['authorized', 7300, `order-${p.orderId}/authorize`, `manual:order-${p.orderId}/authorize`],
      ['captured', 3000, `capture-${p.orderId}-1/capture`, `manual:order-${p.orderId}/authorize`],
      ['captured', 4300, `capture-${p.orderId}-2/capture`, `manual:order-${p.orderId}/authorize`],
    ]);
    const toStripe = [...(await sandbox.requests({ idempotencyKeyPrefix: `capture-${p.orderId}-` })), ...(await sandbox.requests({ idempotencyKeyPrefix: `order-${p.orderId}/` }))];
    assert.deepEqual(toStripe, []);
  });
});
