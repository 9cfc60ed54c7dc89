import assert from 'node:assert/strict';
import { emailPayloads } from '../../activities/notifications/email-payloads';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { sql } from 'kysely';
import type Stripe from 'stripe';
import { findPaymentDrift } from '../../db/reconcile-payments';
import { createStripe } from '../../platform/create-stripe';
import { orderStatusQuery, orderWorkflowId } from '../../workflows/order/order.messages';
import { refundStatusQuery, refundWorkflowId } from '../../workflows/refund/refund-payment.messages';
import { catchUpOrderIndexWorkflowType, type CatchUpOrderIndexWorkflow } from '../../workflows/search/catch-up-order-index.messages';
import { RefundStatus } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import { uniqueId } from '../support/db-fixtures';
import { redisReady } from '../support/cart-fixtures';
import { capturedOrder as captureOrder } from '../support/captured-order';
import { eventually } from '../support/eventually';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { partiallyShippedOrder } from '../support/partially-shipped-order';
import { stripeSandbox } from '../support/stripe-sandbox';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testStack } from '../support/test-stack';
import { workerCounters } from '../support/worker-metrics';

/**
 * Refunds on the real stack: the order workflow judging requests against what was captured, the
 * refund workflow, the Stripe sandbox (refunds, their signed webhooks back to this API), and the
 * payment ledger and payments CHECKs in PostgreSQL.
 */
describe('refunds (order and refund workflows, API, Stripe sandbox and its webhooks, PostgreSQL)', function () {
  this.timeout(120_000);
  const sandbox = stripeSandbox();
  let s: ParcelStack;
  /** Refunds up to 1,000,000 minor units without approval. */
  let open: TestApp;
  /** Refunds above 100 minor units wait for an admin, for 3 seconds. */
  let guarded: TestApp;
  let server: http.Server;
  let stripe: Stripe;
  let endpoint: Stripe.WebhookEndpoint;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    await giveTestWarehouseAnAddress(s.db);
    const config = testConfig();
    open = createTestApp({ config: { ...config, orders: { ...config.orders, refundApproval: { threshold: 1_000_000, deadline: '1 hour' } } } });
    guarded = createTestApp({ config: { ...config, orders: { ...config.orders, refundApproval: { threshold: 100, deadline: '3 seconds' } } } });
    server = http.createServer(open.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stripe = createStripe(config);
    endpoint = await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`, enabled_events: ['*'] });
  });
  after(async () => {
    await stripe.webhookEndpoints.del(endpoint.id);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await Promise.all([open.close(), guarded.close()]);
    await s.stop();
  });

  const capturedOrder = (paymentMethodId = 'pm_card_visa', options: { quantity?: number; price?: number } = {}) => captureOrder(s, { paymentMethodId, ...options });

  const askRefund = async (app: TestApp, orderId: string, body: object, agent = 'agent-1') =>
    request(app.app)
      .post(`/support/orders/${orderId}/refunds`)
      .set('Authorization', await app.bearer('support', agent))
      .send({ reason: 'customer called', refundReason: 'customer-request', ...body });

  /** refunds_total on the worker's /metrics, by outcome, summed over the workers' series. */
  const refundsCounted = async () => {
    const sum = await workerCounters();
    return Object.fromEntries((['succeeded', 'failed', 'expired', 'refused'] as const).map((outcome) => [outcome, sum('refunds_total', `outcome="${outcome}"`)]));
  };
  /** Waits for the counters to move past `before` (they are exported a moment after the stage changed), then says by how much. */
  const refundsCountedSince = async (before: Record<string, number>, settled: (moved: Record<string, number>) => boolean) => {
    const moved = async () => Object.fromEntries(Object.entries(await refundsCounted()).map(([outcome, n]) => [outcome, n - before[outcome]!]));
    return eventually(moved, settled, { what: 'refunds_total on the worker /metrics' });
  };

  const paymentOf = (orderId: string) =>
    s.db.selectFrom('payments').select(['captured_amount', 'refunded_amount', 'refunding_amount', 'status', 'external_id']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
  const ledgerOf = (orderId: string) => s.db.selectFrom('payment_ledger').select(['kind', 'amount', 'provider_reference']).where('order_id', '=', orderId).orderBy('id').execute();

  it('refunds exactly what was captured when 20 concurrent requests ask for more, refusing the rest with a typed reason; the ledger, the payment and Stripe agree', async () => {
    const { orderId, total, view } = await capturedOrder();
    // Make what is left divisible by 10, so ten of the twenty requests fit exactly.
    const first = total % 10;
    if (first > 0) assert.equal((await askRefund(open, orderId, { amount: first })).status, 200);
    const share = (total - first) / 10;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => askRefund(open, orderId, { amount: share }, `agent-${i}`)));

    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(accepted.length, 10, JSON.stringify(answers.map((a) => [a.status, a.body.type ?? a.body.stage])));
    assert.ok(refused.every((a) => a.status === 409 && a.body.type === '/problems/refund-exceeds-refundable'), JSON.stringify(refused.map((a) => a.body)));

    const settled = await eventually(view, (v) => (v.refunds ?? []).every((r) => r.stage === 'succeeded'), { what: 'every accepted refund succeeded', timeoutMs: 60_000 });
    assert.equal(settled.refunds!.reduce((sum, r) => sum + r.amount.amount, 0), total);
    const payment = await paymentOf(orderId);
    assert.deepEqual([payment.captured_amount, payment.refunded_amount, payment.refunding_amount, payment.status], [total, total, 0, 'refunded']);
    const ledger = await ledgerOf(orderId);
    const sumOf = (kind: string) => ledger.filter((l) => l.kind === kind).reduce((sum, l) => sum + l.amount, 0);
    assert.deepEqual([sumOf('refund_requested'), sumOf('refunded'), sumOf('refund_failed')], [total, total, 0]);
    const intent = await stripe.paymentIntents.retrieve(payment.external_id!, { expand: ['latest_charge'] });
    assert.equal((intent.latest_charge as Stripe.Charge).amount_refunded, total);
    // One provider request key per accepted refund, each derived from its workflow.
    const keys = new Set((await sandbox.requests({ method: 'POST', path: '/v1/refunds', idempotencyKeyPrefix: 'refund-' })).map((r) => r.idempotencyKey));
    for (const refund of settled.refunds!) assert.ok(keys.has(`refund-${refund.refundId}/create`), refund.refundId);
    // Every decision is audited with its actor and reason.
    const audited = await s.db.selectFrom('support_actions').select(['actor_id', 'reason']).where('order_id', '=', orderId).where('action', '=', 'requestRefund').execute();
    assert.equal(audited.length, settled.refunds!.length);
    assert.ok(audited.every((a) => a.reason === 'customer called'));
    // GET /orders/:id shows the refunds beside the ledger.
    const details = await request(open.app).get(`/support/orders/${orderId}`).set('Authorization', await open.bearer('support'));
    assert.equal(details.status, 200, JSON.stringify(details.body));
    assert.equal(details.body.refunds.length, settled.refunds!.length);
    assert.ok(details.body.refunds.every((r: { stage: string }) => r.stage === 'succeeded'));
    assert.equal(details.body.paymentLedger.filter((l: { kind: string }) => l.kind === 'refunded').length, settled.refunds!.length);
  });

  it('refunds lines as price plus tax share, and refuses lines the order lacks or more than is left', async () => {
    const { orderId, view } = await capturedOrder('pm_card_visa', { quantity: 3, price: 3333 });
    const { lines } = (await view()).totals!;
    const [line] = lines;
    const one = await askRefund(open, orderId, { lines: [{ sku: line!.sku, quantity: 1 }] });
    assert.equal(one.status, 200, JSON.stringify(one.body));
    // The first unit takes the largest remainder of the line's tax.
    const taxShare = Math.ceil(line!.lineTax.amount / 3);
    assert.deepEqual([one.body.amount.amount, one.body.shipping.amount], [3333 + taxShare, 0]);
    const tooMany = await askRefund(open, orderId, { lines: [{ sku: line!.sku, quantity: 3 }] });
    assert.deepEqual([tooMany.status, tooMany.body.type], [409, '/problems/refund-invalid']);
    const unknown = await askRefund(open, orderId, { lines: [{ sku: 'NOPE', quantity: 1 }] });
    assert.deepEqual([unknown.status, unknown.body.type], [409, '/problems/refund-invalid']);
  });

  it('waits for an admin above the threshold: self-approval and non-admins are refused, another admin approves, and an undecided one expires and support is told', async () => {
    const { orderId, view } = await capturedOrder();
    const asked = await askRefund(guarded, orderId, { amount: 500 }, 'agent-a');
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const refundId = asked.body.refundId as string;
    const refund = testStack().temporal.client.workflow.getHandle(refundWorkflowId(refundId));
    await eventually(() => refund.query(refundStatusQuery), (r) => r.stage === 'awaiting_approval', { what: 'the refund waiting for approval' });
    const approve = async (role: 'support' | 'admin', subject: string) =>
      request(guarded.app)
        .post(`/support/orders/${orderId}/refunds/${refundId}/approve`)
        .set('Authorization', await guarded.bearer(role, subject))
        .send({ reason: 'checked the parcel photos' });
    assert.deepEqual(((r) => [r.status, r.body.type])(await approve('admin', 'agent-a')), [409, '/problems/self-approval']);
    assert.deepEqual(((r) => [r.status, r.body.type])(await approve('support', 'agent-b')), [409, '/problems/not-an-admin']);
    const approved = await approve('admin', 'admin-b');
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.approvedBy, 'admin-b');
    await eventually(view, (v) => v.refunds?.find((r) => r.refundId === refundId)?.stage === 'succeeded', { what: 'the approved refund succeeded' });
    const row = await s.db.selectFrom('refunds').select(['status', 'requested_by', 'approved_by']).where('id', '=', refundId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { status: 'succeeded', requested_by: 'agent-a', approved_by: 'admin-b' });
    const decision = await s.db.selectFrom('support_actions').select(['actor_id', 'reason']).where('action', '=', 'approveRefund').where('target_id', '=', refundId).execute();
    assert.deepEqual(decision, [{ actor_id: 'admin-b', reason: 'checked the parcel photos' }]);

    const counted = await refundsCounted();
    const waiting = await askRefund(guarded, orderId, { amount: 700 }, 'agent-a');
    assert.equal(waiting.status, 200, JSON.stringify(waiting.body));
    const expired = await eventually(view, (v) => v.refunds?.find((r) => r.refundId === waiting.body.refundId)?.stage === 'expired', { what: 'the undecided refund expired' });
    assert.ok(expired.timeline.some((e) => e.event === 'refund expired'), 'support sees it on the timeline');
    // Ops count it on the worker's /metrics as expired, once.
    assert.equal((await refundsCountedSince(counted, (moved) => moved.expired! > 0)).expired, 1);
    const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId));
    await eventually(async () => (await order.describe()).typedSearchAttributes.get(RefundStatus), (status) => status === 'EXPIRED', { what: 'RefundStatus=EXPIRED on the order' });
    const payment = await paymentOf(orderId);
    assert.deepEqual([payment.refunded_amount, payment.refunding_amount], [500, 0], 'the expired refund holds nothing any more');
    const late = await request(guarded.app)
      .post(`/support/orders/${orderId}/refunds/${waiting.body.refundId}/approve`)
      .set('Authorization', await guarded.bearer('admin', 'admin-b'))
      .send({ reason: 'too late' });
    assert.equal(late.status, 409, JSON.stringify(late.body));
  });

  it('shows a refund the provider failed after accepting it (refund.failed webhook) as failed with its reason, never done, and gives the money back to the captured balance', async () => {
    const { orderId } = await capturedOrder('pm_card_refundFail');
    const counted = await refundsCounted();
    const asked = await askRefund(open, orderId, { amount: 1000 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const order = testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId));
    const failed = await eventually(
      () => order.query(orderStatusQuery),
      (v) => v.refunds?.[0]?.stage === 'failed',
      { what: 'the refund failed on the order', timeoutMs: 30_000 },
    );
    assert.equal(failed.refunds![0]!.failureReason, 'expired_or_canceled_card');
    assert.ok(failed.timeline.some((e) => e.event === 'refund failed' && e.detail?.includes('expired_or_canceled_card')));
    await eventually(async () => (await order.describe()).typedSearchAttributes.get(RefundStatus), (status) => status === 'FAILED', { what: 'RefundStatus=FAILED' });
    const payment = await paymentOf(orderId);
    assert.deepEqual([payment.refunded_amount, payment.refunding_amount], [0, 0]);
    assert.deepEqual(
      (await ledgerOf(orderId)).filter((l) => l.kind.startsWith('refund')).map((l) => l.kind),
      ['refund_requested', 'refunded', 'refund_failed'],
    );
    // The worker's /metrics count it where its stage changed: once succeeded, then once failed.
    const moved = await refundsCountedSince(counted, (m) => m.failed! > 0);
    assert.deepEqual([moved.succeeded, moved.failed, moved.expired, moved.refused], [1, 1, 0, 0]);
    const events = await s.db.selectFrom('payment_events').select('type').where(sql`payload->'refund'->>'refundId'`, '=', asked.body.refundId).execute();
    assert.ok(events.some((e) => e.type === 'refund.failed'), JSON.stringify(events));
    const mails = await s.db.selectFrom('notifications').select('template').where('order_id', '=', orderId).execute();
    assert.ok(mails.some((m) => m.template === 'refund-failed'));

    // Support finds it by the refund's state: the refund's row change re-indexes its order.
    await testStack().temporal.client.workflow.execute<CatchUpOrderIndexWorkflow>(catchUpOrderIndexWorkflowType, { workflowId: uniqueId('order-search-catch-up-refunds'), taskQueue: taskQueues.search, args: [] });
    const search = async (refundStatus: string) =>
      request(open.app).get('/support/orders').query({ orderId, refundStatus }).set('Authorization', await open.bearer('support'));
    const found = await eventually(() => search('failed'), (res) => res.body.items?.length === 1, { what: 'the order by refund state' });
    assert.deepEqual(found.body.items[0].refundStatuses, ['failed']);
    assert.equal((await search('succeeded')).body.items.length, 0);
  });
  it('never refunds more than was captured when refunds race a capture (two parcels, the second handed over while refunds are asked)', async () => {
    const { orderId, total, view, second, warehouseApi, firstShare } = await partiallyShippedOrder(s);

    // The second capture and five refunds of the first share each, all at once.
    const [handed, ...asked] = await Promise.all([
      warehouseApi(second.warehouseCode, `${second.shipmentId}/hand-over`),
      ...Array.from({ length: 5 }, (_, i) => askRefund(open, orderId, { amount: firstShare }, `racer-${i}`)),
    ]);
    assert.equal(handed!.status, 200);
    assert.ok(asked.every((a) => a.status === 200 || (a.status === 409 && a.body.type === '/problems/refund-exceeds-refundable')), JSON.stringify(asked.map((a) => a.body)));
    const accepted = asked.filter((a) => a.status === 200);
    assert.ok(accepted.length >= 1 && accepted.length * firstShare <= total, `${accepted.length} accepted of ${firstShare} each, ${total} captured at most`);
    await eventually(view, (v) => v.captures?.length === 2 && v.captures[1]!.status === 'captured' && (v.refunds ?? []).every((r) => r.stage === 'succeeded'), { what: 'both captures and every refund settled', timeoutMs: 60_000 });
    const payment = await paymentOf(orderId);
    assert.equal(payment.captured_amount, total);
    assert.equal(payment.refunded_amount, accepted.length * firstShare);
    assert.ok(payment.refunded_amount <= payment.captured_amount);
    const ledger = await ledgerOf(orderId);
    const sumOf = (kind: string) => ledger.filter((l) => l.kind === kind).reduce((sum, l) => sum + l.amount, 0);
    assert.deepEqual([sumOf('captured'), sumOf('refunded')], [payment.captured_amount, payment.refunded_amount]);
    assert.equal(payment.status, 'partially_refunded');
    assert.deepEqual(await findPaymentDrift(s.db, { orderIds: [orderId] }), [], 'the payment reconciles with its ledger');
  });

  it('takes the captures still owed after a refund settled between two handovers', async () => {
    const { orderId, total, view, second, warehouseApi, firstShare } = await partiallyShippedOrder(s);
    assert.equal((await askRefund(open, orderId, { amount: firstShare })).status, 200);
    await eventually(view, (v) => v.refunds?.[0]?.stage === 'succeeded', { what: 'the refund settled' });
    assert.equal((await warehouseApi(second.warehouseCode, `${second.shipmentId}/hand-over`)).status, 200);
    const captures = (await eventually(view, (v) => v.captures?.length === 2 && v.captures[1]!.status !== 'started', { what: 'the second capture ended' })).captures!;
    assert.equal(captures[1]!.status, 'captured', JSON.stringify(captures[1]));
    const payment = await paymentOf(orderId);
    assert.deepEqual([payment.captured_amount, payment.refunded_amount, payment.status], [total, firstShare, 'partially_refunded']);
    assert.deepEqual(await findPaymentDrift(s.db, { orderIds: [orderId] }), [], 'the payment reconciles with its ledger');
  });
  it('records the refund of an invoice or cash order with the manual provider, once, under its key', async () => {
    const { orderId, view } = await capturedOrder('manual');
    const asked = await askRefund(open, orderId, { amount: 1234 });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    await eventually(view, (v) => v.refunds?.[0]?.stage === 'succeeded', { what: 'the manual refund recorded' });
    const refunded = (await ledgerOf(orderId)).filter((l) => l.kind === 'refunded');
    assert.deepEqual(refunded.map((l) => [l.amount, l.provider_reference]), [[1234, `manual:refund-${asked.body.refundId as string}/create`]]);
    const payment = await paymentOf(orderId);
    assert.deepEqual([payment.refunded_amount, payment.refunding_amount, payment.status], [1234, 0, 'partially_refunded']);
    const issued = await s.db.selectFrom('notifications').select(['template', 'payload']).where('order_id', '=', orderId).where('template', '=', 'refund-issued').execute();
    assert.equal(issued.length, 1);
    // The email sender takes the payload as its template reads it: the refunded amount as money.
    const payload = emailPayloads['refund-issued'].safeParse(issued[0]!.payload);
    assert.ok(payload.success, JSON.stringify(issued[0]!.payload));
    assert.deepEqual(payload.data.amount, { amount: 1234, currency: 'USD' });
  });
});
