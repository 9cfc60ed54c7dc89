import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import request from 'supertest';
import { createSmtpTransport, type MailTransport } from '../../activities/notifications/mail-transport';
import { sendDueEmails, type EmailSender, type EmailsSent } from '../../activities/notifications/send-due-emails';
import { setOrderStatus } from '../../db/orders';
import { assertRefused, createOrder, createStockedSku } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { closedPort, deleteMessages, messagesTo, readMessage } from '../support/mailpit';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

describe('the email sender (real PostgreSQL, real Mailpit over SMTP)', function () {
  this.timeout(60_000);
  let t: TestApp;
  const transports: MailTransport[] = [];
  const recipients: string[] = [];
  const db = () => t.deps.db;
  // The refusals these tests provoke are logged as errors; the assertions say what matters.
  const env = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) });

  function sender(smtpUrl: string, overrides: Partial<EmailSender> = {}): EmailSender {
    const transport = createSmtpTransport(smtpUrl, { timeoutMs: 2_000 });
    transports.push(transport);
    return { from: 'Test Shop <orders@shop.test>', maxAttempts: 3, retry: { initialMs: 50, maxMs: 200 }, transport, ...overrides };
  }
  const mailpit = () => sender(testConfig().email.smtpUrl!);
  const smtpDown = async (overrides: Partial<EmailSender> = {}) => sender(`smtp://127.0.0.1:${await closedPort()}`, overrides);
  const send = (s: EmailSender, input: Parameters<typeof sendDueEmails>[2] = {}): Promise<EmailsSent> => env.run(() => sendDueEmails(db(), s, input));

  /** An order of this suite's own, with a confirmation queued the way the order workflow queues it. */
  async function confirmedOrder(): Promise<{ orderId: string; email: string; notificationId: string }> {
    const { id: orderId } = await createOrder(db());
    await setOrderStatus(db(), orderId, { status: 'confirmed', notification: { template: 'order-confirmed', payload: { total: { amount: 5000, currency: 'USD' } } } });
    const row = await db().selectFrom('notifications').select(['id', 'recipient']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    recipients.push(row.recipient);
    return { orderId, email: row.recipient, notificationId: row.id };
  }
  const notification = (id: string) => db().selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  before(async () => {
    t = createTestApp();
    // What other suites left queued in this database goes out first, so each test sees its own rows.
    await send(mailpit());
  });
  after(async () => {
    transports.forEach((transport) => transport.close());
    const mine = await Promise.all(recipients.map((address) => messagesTo(address)));
    await deleteMessages(mine.flat().map((m) => m.ID));
    await t.close();
  });

  it('sends a queued confirmation once, to the order\'s email alone, with a Message-ID derived from the notification id', async () => {
    const { orderId, email, notificationId } = await confirmedOrder();
    const first = await send(mailpit());
    assert.ok(first.sent >= 1, JSON.stringify(first));
    await send(mailpit());

    const messages = await messagesTo(email);
    assert.equal(messages.length, 1, JSON.stringify(messages));
    const [message] = messages;
    assert.equal(message!.MessageID, `notification-${notificationId}@shop.test`);
    assert.deepEqual(message!.To.map((a) => a.Address), [email]);
    assert.deepEqual([...(message!.Cc ?? []), ...(message!.Bcc ?? [])], []);
    assert.equal(message!.From.Address, 'orders@shop.test');
    assert.equal(message!.Subject, `Your order ${orderId.slice(0, 8).toUpperCase()} is confirmed`);
    const full = await readMessage(message!.ID);
    assert.ok(full.Text.includes('Total: $50.00'), full.Text);
    assert.ok(full.Text.includes(orderId), full.Text);
    assert.ok(full.HTML.includes('$50.00'), full.HTML);

    const row = await notification(notificationId);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 1);
    assert.equal(row.provider_message_id, `<notification-${notificationId}@shop.test>`);
    assert.ok(row.sent_at);
  });

  it('SMTP down: the email waits out its backoff, is retried, and is sent once when SMTP is back', async () => {
    const { email, notificationId } = await confirmedOrder();
    const retry = { initialMs: 1_500, maxMs: 1_500 };

    const down = await send(await smtpDown({ retry }));
    assert.ok(down.retrying >= 1 && down.sent === 0, JSON.stringify(down));
    let row = await notification(notificationId);
    assert.equal(row.status, 'pending');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /ECONNREFUSED|connect/i);
    assert.ok(row.next_attempt_at.getTime() > Date.now() + 500, 'due again only after the backoff');

    // Back, but inside the backoff: nothing is sent yet.
    await send(sender(testConfig().email.smtpUrl!, { retry }));
    assert.equal((await notification(notificationId)).attempts, 1);
    assert.equal((await messagesTo(email)).length, 0);

    row = await eventually(
      async () => {
        await send(mailpit());
        return notification(notificationId);
      },
      (r) => r.status === 'sent',
      { what: 'the email sent once SMTP is back' },
    );
    assert.equal(row.attempts, 2);
    await send(mailpit());
    const messages = await messagesTo(email);
    assert.equal(messages.length, 1);
    assert.equal(messages[0]!.MessageID, `notification-${notificationId}@shop.test`);
  });

  it('gives up after the last attempt; support lists it as failed and retries it through the API, and it is sent', async () => {
    const { orderId, email, notificationId } = await confirmedOrder();
    const failing = await smtpDown({ maxAttempts: 2 });
    const row = await eventually(
      async () => {
        await send(failing);
        return notification(notificationId);
      },
      (r) => r.status !== 'pending',
      { what: 'the notification given up on' },
    );
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 2);
    await send(mailpit());
    assert.equal((await messagesTo(email)).length, 0, 'a failed email is not sent without support');

    const support = await t.bearer('support', `agent-${randomUUID()}`);
    const failed = await request(t.app).get('/support/notifications').query({ status: 'failed', orderId }).set('Authorization', support);
    assert.equal(failed.status, 200, JSON.stringify(failed.body));
    assert.deepEqual(
      failed.body.items.map((n: { id: string; status: string; attempts: number }) => [n.id, n.status, n.attempts]),
      [[notificationId, 'failed', 2]],
    );
    assert.match(failed.body.items[0].lastError, /ECONNREFUSED|connect/i);

    const retry = (id: string, body: object, bearer = support) => request(t.app).post(`/support/notifications/${id}/retry`).set('Authorization', bearer).send(body);
    const refusedCustomer = await retry(notificationId, { reason: 'customer asked' }, await t.bearer('customer'));
    assert.equal(refusedCustomer.status, 403);
    const badId = await retry('not-a-uuid', { reason: 'customer asked' });
    assert.equal(badId.status, 400);
    assert.match(badId.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.equal(badId.body.type, '/problems/validation-failed');
    assert.equal((await retry(notificationId, {})).status, 400, 'a reason is required');
    const unknown = await retry(randomUUID(), { reason: 'customer asked' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.type, '/problems/not-found');

    const retried = await retry(notificationId, { reason: 'SMTP relay fixed' });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.status, 'pending');
    assert.equal(retried.body.attempts, 0);
    const again = await retry(notificationId, { reason: 'SMTP relay fixed' });
    assert.equal(again.status, 409);
    assert.equal(again.body.type, '/problems/notification-not-failed');
    assert.equal(again.body.notificationStatus, 'pending');
    const audit = await db().selectFrom('support_actions').selectAll().where('target_id', '=', notificationId).execute();
    assert.deepEqual(audit.map((a) => [a.action, a.order_id, a.target_type, a.reason]), [['retry-notification', orderId, 'notification', 'SMTP relay fixed']]);

    await send(mailpit());
    assert.equal((await notification(notificationId)).status, 'sent');
    assert.equal((await messagesTo(email)).length, 1);
  });

  it('senders running at once send each email once (rows are claimed with SKIP LOCKED)', async () => {
    const { orderId, email } = await confirmedOrder();
    await send(mailpit());
    const ids = await Promise.all(
      Array.from({ length: 8 }, async (_, n) =>
        (
          await db()
            .insertInto('notifications')
            .values({ recipient: email, template: 'order-delivered', dedupe_key: `${orderId}/concurrency-${n}`, order_id: orderId })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id,
      ),
    );
    const rounds = await Promise.all([mailpit(), mailpit(), mailpit()].map((s) => send(s, { concurrency: 2 })));
    assert.equal(rounds.reduce((sum, r) => sum + r.sent, 0), 8, JSON.stringify(rounds));
    const rows = await db().selectFrom('notifications').select(['status', 'attempts']).where('id', 'in', ids).execute();
    assert.deepEqual(rows.map((r) => [r.status, r.attempts]), ids.map(() => ['sent', 1]));
    const delivered = (await messagesTo(email)).filter((m) => m.Subject.includes('delivered'));
    assert.deepEqual(delivered.map((m) => m.MessageID).sort(), ids.map((id) => `notification-${id}@shop.test`).sort());
  });

  describe('a message goes to the order\'s contact email and nowhere else', () => {
    it('the database refuses a notification about an order addressed to anyone else', async () => {
      const { orderId, notificationId } = await confirmedOrder();
      const elsewhere = `someone-else-${randomUUID()}@example.com`;
      await assertRefused(
        db().insertInto('notifications').values({ recipient: elsewhere, template: 'order-delivered', dedupe_key: `${orderId}/elsewhere`, order_id: orderId }).execute(),
        { code: '23514', constraint: 'notifications_recipient_is_order_contact' },
      );
      await assertRefused(db().updateTable('notifications').set({ recipient: elsewhere }).where('id', '=', notificationId).execute(), {
        code: '23514',
        constraint: 'notifications_recipient_is_order_contact',
      });
      const { id: otherOrder } = await createOrder(db());
      await assertRefused(db().updateTable('notifications').set({ order_id: otherOrder }).where('id', '=', notificationId).execute(), {
        code: '23514',
        constraint: 'notifications_recipient_is_order_contact',
      });
    });

    it('nothing in an order (a product name, a name on the address) adds a recipient or a header', async () => {
      const attacker = `attacker-${randomUUID()}@example.com`;
      recipients.push(attacker);
      const { id: orderId } = await createOrder(db());
      const injection = `Mug\r\nBcc: ${attacker}\r\nTo: ${attacker}`;
      const { sku } = await createStockedSku(db(), 1);
      await db().insertInto('order_items').values({ order_id: orderId, sku, product_name: injection, quantity: 1, unit_price_amount: 5000, total_amount: 5000 }).execute();
      await db().updateTable('orders').set({ shipping_address: { name: `Eve\r\nBcc: ${attacker}`, line1: '1 Main St', city: 'Springfield', country: 'US' } }).where('id', '=', orderId).execute();
      await setOrderStatus(db(), orderId, { status: 'confirmed', notification: { template: 'order-confirmed', payload: { total: { amount: 5000, currency: 'USD' } } } });
      const { recipient } = await db().selectFrom('notifications').select('recipient').where('order_id', '=', orderId).executeTakeFirstOrThrow();
      recipients.push(recipient);

      await send(mailpit());
      const [message, ...more] = await messagesTo(recipient);
      assert.equal(more.length, 0);
      assert.deepEqual(message!.To.map((a) => a.Address), [recipient]);
      assert.deepEqual([...(message!.Cc ?? []), ...(message!.Bcc ?? [])], []);
      assert.deepEqual(await messagesTo(attacker), []);
    });

    it('an order email that names more than one address is never sent, and is marked failed for support', async () => {
      const victim = `victim-${randomUUID()}@example.com`;
      const attacker = `attacker-${randomUUID()}@example.com`;
      recipients.push(victim, attacker);
      const { id: orderId } = await createOrder(db());
      await db().updateTable('orders').set({ email: `${victim}, ${attacker}` }).where('id', '=', orderId).execute();
      await setOrderStatus(db(), orderId, { status: 'confirmed', notification: { template: 'order-confirmed', payload: { total: { amount: 5000, currency: 'USD' } } } });

      await send(mailpit());
      const row = await db().selectFrom('notifications').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
      assert.equal(row.status, 'failed');
      assert.match(row.last_error ?? '', /contact email alone/);
      assert.deepEqual(await messagesTo(victim), []);
      assert.deepEqual(await messagesTo(attacker), []);
    });
  });

  it('an email that cannot be rendered is marked failed at once, not retried', async () => {
    const { id: orderId } = await createOrder(db());
    await setOrderStatus(db(), orderId, { status: 'confirmed', notification: { template: 'order-confirmed', payload: { total: 'fifty dollars' } } });
    await send(mailpit());
    const row = await db().selectFrom('notifications').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
    assert.deepEqual([row.status, row.attempts], ['failed', 1]);
    assert.match(row.last_error ?? '', /total/);
  });
});
