import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { authorizePayment, type PaymentAuthorized } from '../../activities/payments/authorize-payment';
import { createManualPaymentProvider } from '../../activities/payments/manual-payment-provider';
import { createStripePaymentProvider } from '../../activities/payments/stripe-payment-provider';
import type { Database } from '../../db/database';
import { findPaymentLedger } from '../../db/payment-ledger';
import { money } from '../../domain/money';
import { createStripe } from '../../platform/create-stripe';
import {
  captureOrderPaymentWorkflowType,
  captureWorkflowId,
  type CaptureOrderPaymentInput,
  type CaptureOrderPaymentWorkflow,
} from '../../workflows/payment/capture-order-payment.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { createOrder, createTestDb } from '../support/db-fixtures';
import { stripeSandbox } from '../support/stripe-sandbox';
import { quietLogger, testConfig, testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

describe('capture workflow (real Temporal dev server, PostgreSQL, the Stripe sandbox)', function () {
  this.timeout(60_000);
  const sandbox = stripeSandbox();
  let db: Kysely<Database>;
  let workers: RunningTestWorkers;

  before(async () => {
    db = createTestDb();
    workers = await runTestWorkers();
  });
  after(async () => {
    await workers?.stop();
    await db?.destroy();
  });

  /** A card authorization of `amount` USD cents, as checkout leaves it. */
  async function authorized(amount: number) {
    const order = await createOrder(db, { totalAmount: amount });
    const providers = { stripe: createStripePaymentProvider({ stripe: createStripe(testConfig()) }), manual: createManualPaymentProvider() };
    const auth: PaymentAuthorized = await new MockActivityEnvironment({ workflowExecution: { workflowId: `order-${order.id}`, runId: randomUUID() } }, { logger: quietLogger }).run(
      authorizePayment,
      { db, providers },
      { orderId: order.id, amount: money(amount, 'USD'), paymentMethod: { provider: 'stripe' as const, paymentMethodId: 'pm_card_visa' }, idempotencyKey: `order-${order.id}/authorize` },
    );
    const capture = (n: number, input: Omit<CaptureOrderPaymentInput, 'orderId' | 'paymentId'>) =>
      testStack().temporal.client.workflow.execute<CaptureOrderPaymentWorkflow>(captureOrderPaymentWorkflowType, {
        workflowId: captureWorkflowId(order.id, n),
        taskQueue: taskQueues.orders,
        args: [{ orderId: order.id, paymentId: auth.paymentId, ...input }],
      });
    return { orderId: order.id, ...auth, capture };
  }

  it('captures a parcel with final_capture false and then the last one, riding out a lost answer with one capture', async () => {
    const p = await authorized(5000);
    await sandbox.fault({ method: 'POST', path: `/v1/payment_intents/${p.externalId}/capture`, idempotencyKeyPrefix: `capture-${p.orderId}-1/`, effect: 'lose-answer', times: 3 });

    const first = await p.capture(1, { amount: money(2000, 'USD'), finalCapture: false });
    const last = await p.capture(2, { amount: money(3000, 'USD'), finalCapture: true });

    assert.deepEqual(first, { status: 'captured', orderId: p.orderId, paymentId: p.paymentId, captured: money(2000, 'USD'), totalCaptured: money(2000, 'USD'), finalCapture: false });
    assert.deepEqual(last, { status: 'captured', orderId: p.orderId, paymentId: p.paymentId, captured: money(3000, 'USD'), totalCaptured: money(5000, 'USD'), finalCapture: true });
    const intent = await sandbox.paymentIntent(p.externalId);
    assert.deepEqual([intent.status, intent.amount_received, intent.amount_capturable], ['succeeded', 5000, 0]);
    const sent = await sandbox.requests({ method: 'POST', path: `/v1/payment_intents/${p.externalId}/capture`, idempotencyKeyPrefix: `capture-${p.orderId}-` });
    assert.deepEqual(
      sent.filter((r) => !r.replayed).map((r) => r.idempotencyKey),
      [`capture-${p.orderId}-1/capture`, `capture-${p.orderId}-2/capture`],
      'one capture per workflow; every retry was a replay of the kept answer',
    );
    assert.deepEqual(
      (await findPaymentLedger(db, p.paymentId)).map((row) => [row.kind, row.amount]),
      [['authorized', 5000], ['captured', 2000], ['captured', 3000]],
    );
  });

  it('ends with authorization-expired, not endless retries, when the hold has lapsed', async () => {
    const p = await authorized(5000);
    await sandbox.expire(p.externalId);

    const outcome = await p.capture(1, { amount: money(5000, 'USD'), finalCapture: true });

    assert.equal(outcome.status, 'authorization-expired');
    assert.deepEqual(outcome.status === 'authorization-expired' && [outcome.orderId, outcome.paymentId, outcome.amount], [p.orderId, p.paymentId, money(5000, 'USD')]);
    assert.deepEqual((await findPaymentLedger(db, p.paymentId)).map((row) => row.kind), ['authorized']);
  });

  it('ends refused when asked for more than the authorization has left', async () => {
    const p = await authorized(5000);
    const outcome = await p.capture(1, { amount: money(5001, 'USD'), finalCapture: true });
    assert.deepEqual(outcome.status === 'refused' && outcome.reason, 'PaymentNotCapturable');
  });
});
