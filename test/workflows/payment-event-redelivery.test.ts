import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cancelOrderUpdate, orderStatusQuery, orderWorkflowId } from '../../workflows/order/order.messages';
import { redeliverPaymentEventsWorkflowType, type RedeliverPaymentEventsWorkflow } from '../../workflows/housekeeping/redeliver-payment-events.messages';
import { REDELIVERY_GRACE_SECONDS } from '../../workflows/housekeeping/redeliver-payment-events';
import { taskQueues } from '../../workflows/shared/task-queues';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, newShopper, startCheckout } from '../support/checkout-fixtures';
import { createOrder, createPayment, uniqueId } from '../support/db-fixtures';
import { storedPaymentEvent } from '../support/payment-event-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

describe('payment event redelivery (real Temporal, PostgreSQL)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let workers: RunningTestWorkers;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
  });
  after(async () => {
    await workers.stop();
    await t.close();
  });

  const client = () => testStack().temporal.client;
  const db = () => t.deps.db;

  const redeliver = () =>
    client().workflow.execute<RedeliverPaymentEventsWorkflow>(redeliverPaymentEventsWorkflowType, {
      workflowId: uniqueId('payment-event-redelivery-test'),
      taskQueue: taskQueues.orders,
      args: [],
    });

  const storedEvent = (orderId: string | null, ageSeconds: number, paymentIntentId?: string) => storedPaymentEvent(db(), orderId, ageSeconds, paymentIntentId);

  const processedAt = async (id: number) =>
    (await db().selectFrom('payment_events').select('processed_at').where('id', '=', id).executeTakeFirstOrThrow()).processed_at;

  /** How often the order workflow was signalled this event. */
  async function signalsOf(orderId: string, eventId: string): Promise<number> {
    const history = await client().workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
    return history.events!.filter((e) => {
      const signalled = e.workflowExecutionSignaledEventAttributes;
      if (signalled?.signalName !== 'paymentEvent') return false;
      const data = signalled.input?.payloads?.[0]?.data;
      return data !== undefined && data !== null && Buffer.from(data).toString('utf8').includes(eventId);
    }).length;
  }

  async function runningOrder(): Promise<string> {
    const shopper = await newShopper(t);
    const { cartId } = await cartWith(t, shopper);
    const result = await startCheckout(shopper, cartId);
    assert.equal(result.status, 'confirmed', JSON.stringify(result));
    return result.orderId;
  }

  it('delivers a stored event to the running order workflow once, marks it processed, and leaves fresh events alone', async () => {
    const orderId = await runningOrder();
    const late = await storedEvent(orderId, REDELIVERY_GRACE_SECONDS * 5);
    const fresh = await storedEvent(orderId, 0);

    await redeliver();

    const view = await client().workflow.getHandle(orderWorkflowId(orderId)).query(orderStatusQuery);
    assert.ok(
      view.timeline.some((entry) => entry.event === `payment event ${late.event.type}` && entry.detail === late.event.eventId),
      JSON.stringify(view.timeline),
    );
    assert.ok(!view.timeline.some((entry) => entry.detail === fresh.event.eventId), 'an event inside the grace period is the webhook handler\'s');
    assert.ok(await processedAt(late.id));
    assert.equal(await processedAt(fresh.id), null);

    await redeliver();
    assert.equal(await signalsOf(orderId, late.event.eventId), 1);
    assert.equal(await signalsOf(orderId, fresh.event.eventId), 0);
    const again = await client().workflow.getHandle(orderWorkflowId(orderId)).query(orderStatusQuery);
    assert.equal(again.timeline.filter((entry) => entry.detail === late.event.eventId).length, 1);
  });

  it('finds the order through the payment when the event did not name it', async () => {
    const orderId = await runningOrder();
    const payment = await db().selectFrom('payments').select('id').where('order_id', '=', orderId).executeTakeFirstOrThrow();
    // As if Stripe had authorized it: a manual payment has no PaymentIntent.
    const paymentIntentId = `pi_${randomUUID().replaceAll('-', '')}`;
    await db().updateTable('payments').set({ provider: 'stripe', external_id: paymentIntentId }).where('id', '=', payment.id).execute();
    const stored = await storedEvent(null, REDELIVERY_GRACE_SECONDS * 5, paymentIntentId);

    await redeliver();

    assert.ok(await processedAt(stored.id));
    assert.equal(await signalsOf(orderId, stored.event.eventId), 1);
  });

  it('marks an event processed without delivery when the order workflow has completed or never existed', async () => {
    const cancelled = await runningOrder();
    const handle = client().workflow.getHandle(orderWorkflowId(cancelled));
    await handle.executeUpdate(cancelOrderUpdate, { args: [{ actor: { id: 'support-1', role: 'support' }, reason: 'customer asked' }] });
    await handle.result();
    const afterCompletion = await storedEvent(cancelled, REDELIVERY_GRACE_SECONDS * 5);

    const order = await createOrder(db());
    await createPayment(db(), order.id, 5000);
    const withoutWorkflow = await storedEvent(order.id, REDELIVERY_GRACE_SECONDS * 5);

    await redeliver();

    assert.ok(await processedAt(afterCompletion.id));
    assert.ok(await processedAt(withoutWorkflow.id));
    const description = await client().workflow.getHandle(orderWorkflowId(cancelled)).describe();
    assert.equal(description.status.name, 'COMPLETED');
  });

  it('leaves events whose order is unknown', async () => {
    const orphan = await storedEvent(null, REDELIVERY_GRACE_SECONDS * 5);
    await redeliver();
    assert.equal(await processedAt(orphan.id), null);
  });
});
