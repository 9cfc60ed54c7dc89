import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import request from 'supertest';
import { findPaymentEvents } from '../../db/payment-events';
import { orderWorkflowId, type PaymentEvent } from '../../workflows/order/order.messages';
import { createOrder, createPayment, uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testStack } from '../support/test-stack';

describe('Stripe webhooks API (real PostgreSQL and Temporal)', () => {
  const config = testConfig();
  let t: TestApp;

  before(() => {
    t = createTestApp();
  });
  after(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);
  const newPaymentIntentId = () => `pi_${randomUUID().replaceAll('-', '').slice(0, 24)}`;

  /** A PaymentIntent event as Stripe sends it: pretty-printed, so only the exact bytes verify. */
  function paymentIntentEvent(options: {
    paymentIntentId: string;
    orderId?: string;
    id?: string;
    type?: string;
    created?: number;
    amountCapturable?: number;
  }): { id: string; payload: string } {
    const id = options.id ?? `evt_${randomUUID().replaceAll('-', '')}`;
    const metadata = options.orderId ? { orderId: options.orderId, workflowId: orderWorkflowId(options.orderId) } : {};
    const event = {
      id,
      object: 'event',
      api_version: '2026-10-28.endive',
      created: options.created ?? now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: options.type ?? 'payment_intent.amount_capturable_updated',
      data: {
        object: {
          id: options.paymentIntentId,
          object: 'payment_intent',
          amount: 5000,
          amount_capturable: options.amountCapturable ?? 5000,
          amount_received: 0,
          capture_method: 'manual',
          currency: 'usd',
          status: 'requires_capture',
          metadata,
        },
      },
    };
    return { id, payload: JSON.stringify(event, null, 2) };
  }

  const sign = (payload: string, options: { secret?: string; timestamp?: number } = {}) =>
    t.deps.stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? config.stripe.webhookSecret,
      ...(options.timestamp !== undefined && { timestamp: options.timestamp }),
    });

  /** `signature: null` sends no Stripe-Signature header. */
  const deliver = (app: TestApp['app'], payload: string, signature: string | null = sign(payload)) => {
    const post = request(app).post('/webhooks/stripe').set('Content-Type', 'application/json; charset=utf-8');
    return (signature === null ? post : post.set('Stripe-Signature', signature)).send(payload);
  };

  const storedRows = (eventId: string) =>
    t.deps.db.selectFrom('payment_events').select(['provider', 'type', 'payment_id', 'processed_at']).where('provider_event_id', '=', eventId).execute();

  /**
   * A stand-in for the order workflow: a run with the order's id, of a type no worker serves, on a
   * task queue nobody polls. It stays open and Temporal records every signal it receives.
   */
  async function openOrderWorkflow(orderId: string) {
    const client = testStack().temporal.client;
    const handle = await client.workflow.start('orderWorkflowStandIn', { workflowId: orderWorkflowId(orderId), taskQueue: `webhook-test-${randomUUID()}` });
    return {
      async paymentSignals(): Promise<PaymentEvent[]> {
        const history = await handle.fetchHistory();
        return (history.events ?? [])
          .map((event) => event.workflowExecutionSignaledEventAttributes)
          .filter((signal) => signal?.signalName === 'paymentEvent')
          .map((signal) => defaultPayloadConverter.fromPayload<PaymentEvent>(signal!.input!.payloads![0] as Payload));
      },
      close: () => handle.terminate('test done'),
    };
  }

  it('stores a signed event for an order that has no workflow yet, acknowledges it, and findPaymentEvents returns it', async () => {
    const order = await createOrder(t.deps.db);
    const paymentIntentId = newPaymentIntentId();
    const created = now() - 30;
    const { id, payload } = paymentIntentEvent({ paymentIntentId, orderId: order.id, created, amountCapturable: 4800 });

    const res = await deliver(t.app, payload);

    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, { received: true, outcome: 'stored' });
    assert.deepEqual(await storedRows(id), [{ provider: 'stripe', type: 'payment_intent.amount_capturable_updated', payment_id: null, processed_at: null }]);
    assert.deepEqual(await findPaymentEvents(t.deps.db, paymentIntentId), [
      { provider: 'stripe', eventId: id, type: 'payment_intent.amount_capturable_updated', paymentIntentId, createdAt: created, amountCapturable: 4800, amountReceived: 0 },
    ]);
    const stored = await t.deps.db.selectFrom('payment_events').select('payload').where('provider_event_id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(stored.payload.raw, JSON.parse(payload), 'the verified event is kept whole');
    assert.equal(stored.payload.orderId, order.id);
  });

  it('acknowledges a redelivered event and ignores it: one row, also when five copies arrive at once', async () => {
    const order = await createOrder(t.deps.db);
    const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: order.id });

    const first = await deliver(t.app, payload);
    const again = await deliver(t.app, payload);
    assert.equal(first.body.outcome, 'stored');
    assert.deepEqual([again.status, again.body.outcome], [200, 'duplicate']);
    assert.equal((await storedRows(id)).length, 1);

    const burst = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: order.id });
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(t.app, burst.payload)));
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200, 200, 200, 200],
    );
    assert.deepEqual(answers.map((a) => a.body.outcome as string).sort(), ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored']);
    assert.equal((await storedRows(burst.id)).length, 1);
  });

  describe('refuses what Stripe did not sign (400 problem, nothing stored)', () => {
    const assertRefused = async (res: request.Response, code: string, eventId: string) => {
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.headers['content-type']!, /application\/problem\+json/);
      assert.equal(res.body.type, '/problems/validation-failed');
      assert.deepEqual(
        res.body.errors.map((e: { in: string; path: string; code: string }) => [e.in, e.path, e.code]),
        [['header', 'Stripe-Signature', code]],
      );
      assert.deepEqual(await storedRows(eventId), []);
    };

    it('a signature made with another secret', async () => {
      const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: randomUUID() });
      await assertRefused(await deliver(t.app, payload, sign(payload, { secret: 'whsec_someone_else' })), 'invalid_signature', id);
    });

    it('a body changed after signing, even only re-serialised', async () => {
      const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: randomUUID() });
      const compact = JSON.stringify(JSON.parse(payload));
      await assertRefused(await deliver(t.app, compact, sign(payload)), 'invalid_signature', id);
      const tampered = payload.replace('"amount_capturable": 5000', '"amount_capturable": 1');
      await assertRefused(await deliver(t.app, tampered, sign(payload)), 'invalid_signature', id);
    });

    it('no Stripe-Signature header', async () => {
      const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: randomUUID() });
      await assertRefused(await deliver(t.app, payload, null), 'invalid_signature', id);
    });

    it('a stale timestamp: a correct signature made 10 minutes ago', async () => {
      const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: randomUUID() });
      await assertRefused(await deliver(t.app, payload, sign(payload, { timestamp: now() - 600 })), 'stale_timestamp', id);
      // The same event signed now is accepted: only the timestamp was wrong.
      assert.equal((await deliver(t.app, payload)).status, 200);
    });

    it('a timestamp in the future: a correct signature dated an hour ahead', async () => {
      const { id, payload } = paymentIntentEvent({ paymentIntentId: newPaymentIntentId(), orderId: randomUUID() });
      await assertRefused(await deliver(t.app, payload, sign(payload, { timestamp: now() + 3_600 })), 'future_timestamp', id);
      // A clock a little ahead (within the tolerance) is not a replay.
      assert.equal((await deliver(t.app, payload, sign(payload, { timestamp: now() + 60 }))).status, 200);
    });
  });

  it('signals the running order workflow; out-of-order events both arrive, each with its createdAt', async () => {
    const order = await createOrder(t.deps.db);
    const workflow = await openOrderWorkflow(order.id);
    try {
      const paymentIntentId = newPaymentIntentId();
      const older = paymentIntentEvent({ paymentIntentId, orderId: order.id, type: 'payment_intent.amount_capturable_updated', created: now() - 120 });
      const newer = paymentIntentEvent({ paymentIntentId, orderId: order.id, type: 'payment_intent.canceled', created: now() - 60, amountCapturable: 0 });

      const newerFirst = await deliver(t.app, newer.payload);
      const olderLater = await deliver(t.app, older.payload);

      assert.deepEqual([newerFirst.status, newerFirst.body.outcome], [200, 'signalled']);
      assert.deepEqual([olderLater.status, olderLater.body.outcome], [200, 'signalled']);
      const signals = await workflow.paymentSignals();
      assert.deepEqual(
        signals.map((s) => [s.eventId, s.type, s.createdAt, s.amountCapturable]),
        [
          [newer.id, 'payment_intent.canceled', JSON.parse(newer.payload).created, 0],
          [older.id, 'payment_intent.amount_capturable_updated', JSON.parse(older.payload).created, 5000],
        ],
        'delivered in arrival order; createdAt lets the workflow put them in order',
      );
      assert.ok(signals.every((s) => s.provider === 'stripe' && s.paymentIntentId === paymentIntentId));
      for (const id of [older.id, newer.id]) assert.ok((await storedRows(id))[0]?.processed_at, `${id} is marked delivered`);
      assert.deepEqual(
        (await findPaymentEvents(t.deps.db, paymentIntentId)).map((e) => e.eventId),
        [older.id, newer.id],
        'stored events read back oldest first',
      );

      const redelivered = await deliver(t.app, newer.payload);
      assert.equal(redelivered.body.outcome, 'duplicate');
      assert.equal((await workflow.paymentSignals()).length, 2, 'a redelivery is not signalled again');
    } finally {
      await workflow.close();
    }
  });

  it('finds the order from our payment record when the event has no orderId (a charge event), and links the payment', async () => {
    const order = await createOrder(t.deps.db);
    const paymentId = await createPayment(t.deps.db, order.id, 5000);
    const { external_id: paymentIntentId } = await t.deps.db.selectFrom('payments').select('external_id').where('id', '=', paymentId).executeTakeFirstOrThrow();
    const workflow = await openOrderWorkflow(order.id);
    try {
      const id = `evt_${randomUUID().replaceAll('-', '')}`;
      const payload = JSON.stringify({
        id,
        object: 'event',
        created: now(),
        type: 'charge.refunded',
        livemode: false,
        data: { object: { id: uniqueId('ch'), object: 'charge', payment_intent: paymentIntentId, amount_refunded: 1000, metadata: {} } },
      });

      const res = await deliver(t.app, payload);

      assert.deepEqual([res.status, res.body.outcome], [200, 'signalled']);
      assert.deepEqual(
        (await workflow.paymentSignals()).map((s) => [s.eventId, s.type, s.paymentIntentId]),
        [[id, 'charge.refunded', paymentIntentId]],
      );
      assert.equal((await storedRows(id))[0]?.payment_id, paymentId);
    } finally {
      await workflow.close();
    }
  });

  it('keeps and acknowledges the event, quickly, when Temporal cannot be reached', async () => {
    const connection = Connection.lazy({ address: '127.0.0.1:9' });
    const unreachable = createTestApp({ temporal: new Client({ connection }) });
    try {
      const order = await createOrder(unreachable.deps.db);
      const paymentIntentId = newPaymentIntentId();
      const { id, payload } = paymentIntentEvent({ paymentIntentId, orderId: order.id });

      const started = performance.now();
      const res = await deliver(unreachable.app, payload);
      const elapsed = performance.now() - started;

      assert.deepEqual([res.status, res.body.outcome], [200, 'stored']);
      assert.ok(elapsed < 5_000, `answered in ${Math.round(elapsed)} ms`);
      assert.equal((await storedRows(id))[0]?.processed_at, null, 'not delivered: left for the workflow to read');
      assert.deepEqual(
        (await findPaymentEvents(unreachable.deps.db, paymentIntentId)).map((e) => e.eventId),
        [id],
      );
    } finally {
      await unreachable.close();
      await connection.close();
    }
  });

  it('acknowledges events that are not about a PaymentIntent without storing them', async () => {
    const id = `evt_${randomUUID().replaceAll('-', '')}`;
    const payload = JSON.stringify({ id, object: 'event', created: now(), type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } });
    const res = await deliver(t.app, payload);
    assert.deepEqual([res.status, res.body], [200, { received: true, outcome: 'ignored' }]);
    assert.deepEqual(await storedRows(id), []);
  });

  it('refuses a correctly signed body that is not a Stripe event', async () => {
    const payload = JSON.stringify({ hello: 'world' });
    const res = await deliver(t.app, payload);
    assert.equal(res.status, 400);
    assert.equal(res.body.type, '/problems/validation-failed');
    assert.ok(res.body.errors.some((e: { in: string; path: string }) => e.in === 'body' && e.path === 'id'), JSON.stringify(res.body.errors));
  });

  it('is documented as a public endpoint in the OpenAPI document', async () => {
    const spec = await request(t.app).get('/openapi.json');
    const operation = spec.body.paths['/webhooks/stripe']?.post;
    assert.equal(operation?.operationId, 'receiveStripeWebhook');
    assert.equal(operation?.security, undefined);
    assert.deepEqual(Object.keys(operation?.responses ?? {}).sort(), ['200', '400', '429']);
  });
});
