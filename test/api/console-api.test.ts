import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import request from 'supertest';
import { createLogger } from '../../platform/logger';
import { recordRefundFailed, recordRefundRequest } from '../../db/refunds';
import { createOrder, createPayment } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { deliveredOrder, returnPolicy, startReturn } from '../support/return-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

const OrderId = defineSearchAttributeKey('OrderId', SearchAttributeType.KEYWORD);
const ParcelAlerts = defineSearchAttributeKey('ParcelAlerts', SearchAttributeType.KEYWORD_LIST);

describe('support console API and security headers (real PostgreSQL, Temporal visibility)', () => {
  let t: TestApp;
  let support: string;
  const logLines: string[] = [];

  before(async () => {
    t = createTestApp({ logger: createLogger({ serviceName: 'console-api-test', level: 'info', destination: { write: (line: string) => logLines.push(line) } }) });
    support = await t.bearer('support', 'alice');
  });
  after(async () => {
    await t.close();
  });

  it('says who a staff token is, and refuses a customer token (403) and no token (401)', async () => {
    const me = await request(t.app).get('/support/whoami').set('Authorization', support);
    assert.equal(me.status, 200);
    assert.deepEqual(me.body, { subject: 'alice', role: 'support' });
    const admin = await request(t.app).get('/support/whoami').set('Authorization', await t.bearer('admin', 'root'));
    assert.deepEqual(admin.body, { subject: 'root', role: 'admin' });

    const customer = await request(t.app).get('/support/whoami').set('Authorization', await t.bearer('customer', 'shopper-9'));
    assert.equal(customer.status, 403);
    assert.equal(customer.body.type, '/problems/forbidden');
    const anonymous = await request(t.app).get('/support/whoami');
    assert.equal(anonymous.status, 401);
  });

  it('lists the orders on hold for review with their count, oldest first', async () => {
    const count = async () => (await request(t.app).get('/support/queues').set('Authorization', support)).body.onHold.count as number;
    const before = await count();
    const order = await createOrder(t.deps.db, { totalAmount: 4321 });
    await t.deps.db.updateTable('orders').set({ status: 'on_hold', risk_level: 'medium', risk_score: 35 }).where('id', '=', order.id).execute();
    try {
      const queues = await request(t.app).get('/support/queues').set('Authorization', support);
      assert.equal(queues.status, 200, JSON.stringify(queues.body));
      assert.equal(queues.body.onHold.count, before + 1);
      const mine = queues.body.onHold.items.find((item: { orderId: string }) => item.orderId === order.id);
      assert.deepEqual({ ...mine, createdAt: typeof mine.createdAt }, {
        orderId: order.id,
        email: `${order.idempotencyKey.toLowerCase()}@example.com`,
        riskLevel: 'medium',
        riskScore: 35,
        total: { amount: 4321, currency: 'USD' },
        createdAt: 'string',
      });
    } finally {
      await t.deps.db.deleteFrom('orders').where('id', '=', order.id).execute();
    }
    assert.equal(await count(), before);
  });

  it('lists refunds awaiting approval and failed refunds with their counts, from the refunds table', async () => {
    type RefundQueue = { count: number; items: { refundId: string }[] };
    const queues = async () => {
      const res = await request(t.app).get('/support/queues').set('Authorization', support);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { refundsAwaitingApproval: RefundQueue; failedRefunds: RefundQueue };
    };
    const before = await queues();
    const order = await createOrder(t.deps.db, { totalAmount: 9000 });
    const paymentId = await createPayment(t.deps.db, order.id, 9000);
    await t.deps.db.updateTable('payments').set({ status: 'captured', captured_amount: 9000 }).where('id', '=', paymentId).execute();
    const waiting = randomUUID();
    const failing = randomUUID();
    const refund = (refundId: string, amount: number, approvalDeadline: Date | null) =>
      recordRefundRequest(t.deps.db, { refundId, orderId: order.id, amount, currency: 'USD', shippingAmount: 0, reason: 'damaged', note: null, items: [], requestedBy: 'alice', approvalDeadline });
    try {
      await refund(waiting, 6000, new Date(Date.now() + 3_600_000));
      await refund(failing, 1500, null);
      await recordRefundFailed(t.deps.db, failing, { status: 'failed', reason: 'charge_disputed' });

      const after = await queues();
      assert.equal(after.refundsAwaitingApproval.count, before.refundsAwaitingApproval.count + 1);
      assert.equal(after.failedRefunds.count, before.failedRefunds.count + 1);
      const awaiting = after.refundsAwaitingApproval.items.find((i) => i.refundId === waiting) as Record<string, unknown>;
      assert.deepEqual({ ...awaiting, createdAt: typeof awaiting.createdAt, approvalDeadline: typeof awaiting.approvalDeadline }, {
        refundId: waiting,
        orderId: order.id,
        amount: { amount: 6000, currency: 'USD' },
        reason: 'damaged',
        requestedBy: 'alice',
        failureReason: null,
        approvalDeadline: 'string',
        createdAt: 'string',
      });
      assert.ok(!after.refundsAwaitingApproval.items.some((i) => i.refundId === failing));
      const failed = after.failedRefunds.items.find((i) => i.refundId === failing) as Record<string, unknown>;
      assert.deepEqual([failed.orderId, failed.amount, failed.failureReason, failed.approvalDeadline], [order.id, { amount: 1500, currency: 'USD' }, 'charge_disputed', null]);

      // Approved, it leaves the queue and the count drops.
      await t.deps.db.updateTable('refunds').set({ status: 'approved', approved_by: 'root' }).where('id', '=', waiting).execute();
      const approved = await queues();
      assert.equal(approved.refundsAwaitingApproval.count, after.refundsAwaitingApproval.count - 1);
      assert.ok(!approved.refundsAwaitingApproval.items.some((i) => i.refundId === waiting));
    } finally {
      await t.deps.db.deleteFrom('payment_ledger').where('order_id', '=', order.id).execute().catch(() => undefined);
      await t.deps.db.deleteFrom('refunds').where('order_id', '=', order.id).execute().catch(() => undefined);
    }
  });

  it('lists returns waiting for a decision with their count, from the returns table', async () => {
    type ReturnQueue = { count: number; items: Record<string, unknown>[] };
    const queue = async () => {
      const res = await request(t.app).get('/support/queues').set('Authorization', support);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.returnsToDecide as ReturnQueue;
    };
    const before = await queue();
    // Above the auto-approve amount and high risk: the return waits for support.
    const order = await deliveredOrder(t.deps.db, { quantity: 2, unitPrice: 6000 });
    assert.ok(2 * 6000 >= returnPolicy.autoApproveBelow);
    const { rmaId, handle } = await startReturn(t.deps.db, t.deps.temporal, order, { quantity: 2, reasonCode: 'wrong-item', riskLevel: 'high' });
    try {
      const after = await queue();
      assert.equal(after.count, before.count + 1);
      const mine = after.items.find((i) => i.rmaId === rmaId);
      assert.deepEqual({ ...mine, createdAt: typeof mine?.createdAt }, { rmaId, orderId: order.orderId, reasonCode: 'wrong-item', requested: { amount: 12_000, currency: 'USD' }, createdAt: 'string' });
      const created = after.items.map((i) => String(i.createdAt));
      assert.deepEqual(created, [...created].sort(), 'oldest first');

      // Decided, it leaves the queue and the count drops.
      await t.deps.db.updateTable('returns').set({ status: 'denied', approval: 'support', decided_by: 'alice', decision_reason: 'test', decided_at: new Date() }).where('id', '=', rmaId).execute();
      const decided = await queue();
      assert.equal(decided.count, after.count - 1);
      assert.ok(!decided.items.some((i) => i.rmaId === rmaId));
    } finally {
      await handle.terminate('test over').catch(() => undefined);
    }
  });

  it('lists running orders whose parcels are late or failed, from the alerts their workflows raise', async () => {
    const orderId = randomUUID();
    // A stand-in for an order waiting on support: a run of a type no worker serves, on a queue nobody polls.
    const run = await t.deps.temporal.workflow.start('processOrder', {
      workflowId: `order-${orderId}`,
      taskQueue: `nobody-polls-${randomUUID()}`,
      typedSearchAttributes: [
        { key: OrderId, value: orderId },
        { key: ParcelAlerts, value: ['LATE', 'FAILED'] },
      ],
    });
    const queues = () => request(t.app).get('/support/queues').set('Authorization', support).then((res) => res.body);
    try {
      const listed = await eventually(queues, (body) => body.parcelProblems.items.some((i: { orderId: string }) => i.orderId === orderId), { what: 'the order in the parcel queue' });
      assert.deepEqual(
        listed.parcelProblems.items.find((i: { orderId: string }) => i.orderId === orderId),
        { orderId, orderStatus: null, alerts: ['LATE', 'FAILED'] },
      );
      assert.ok(listed.parcelProblems.count >= 1);
    } finally {
      await run.terminate('test over');
    }
    await eventually(queues, (body) => !body.parcelProblems.items.some((i: { orderId: string }) => i.orderId === orderId), { what: 'an ended run leaves the queue' });
  });

  it('serves the console page under a strict Content-Security-Policy, with no inline script', async () => {
    const page = await request(t.app).get('/console');
    assert.equal(page.status, 200);
    const csp = page.headers['content-security-policy'] as string;
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values.join(' ')]));
    assert.equal(directives['default-src'], "'none'");
    assert.equal(directives['script-src'], "'self'");
    assert.equal(directives['style-src'], "'self'");
    assert.equal(directives['frame-ancestors'], "'none'");
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(page.text, /<script(?![^>]*\bsrc=)/, 'every script has a src');
    assert.doesNotMatch(page.text, /<style|style=/);
    assert.match(page.text, /data-temporal-ui-url="http:\/\/127\.0\.0\.1:8233"/);
  });

  it('serves preact, its hooks and htm from their npm packages as browser modules', async () => {
    for (const path of ['/console/vendor/preact/preact.module.js', '/console/vendor/htm/htm.module.js', '/console/vendor/preact-hooks.js', '/console/assets/main.js']) {
      const res = await request(t.app).get(path);
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type'] as string, /javascript/, path);
    }
    const hooks = await request(t.app).get('/console/vendor/preact-hooks.js');
    assert.doesNotMatch(hooks.text, /from\s*["']preact["']/, 'no bare specifier a browser cannot resolve');
    assert.match(hooks.text, /from"\/console\/vendor\/preact\/preact\.module\.js"/);
    const missing = await request(t.app).get('/console/assets/nothing-here.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.type, '/problems/not-found');
  });

  it('puts helmet on every answer, and /docs loads its script from a file under the app policy', async () => {
    const openapi = await request(t.app).get('/openapi.json');
    assert.equal(openapi.headers['x-content-type-options'], 'nosniff');
    assert.match(openapi.headers['content-security-policy'] as string, /script-src 'self'/);
    assert.match(openapi.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
    const docs = await request(t.app).get('/docs');
    assert.doesNotMatch(docs.text, /<script(?![^>]*\bsrc=)/, 'no inline script in /docs');
    const init = await request(t.app).get('/docs/init.js');
    assert.equal(init.status, 200);
    assert.match(init.text, /SwaggerUIBundle/);
  });

  it('never logs a token: the Authorization header is redacted', async () => {
    const token = support.replace(/^Bearer /, '');
    logLines.length = 0;
    const res = await request(t.app).get('/support/whoami').set('Authorization', support);
    assert.equal(res.status, 200);
    const line = await eventually(async () => logLines.find((l) => l.includes('/support/whoami')), (found) => found !== undefined, { what: 'the request logged' });
    assert.match(line!, /"authorization":"\[redacted\]"/);
    assert.ok(!logLines.some((l) => l.includes(token)), 'the token appears in no log line');
  });
});
