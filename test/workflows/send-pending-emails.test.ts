import assert from 'node:assert/strict';
import { sendPendingEmailsWorkflowType, type SendPendingEmailsWorkflow } from '../../workflows/notifications/send-pending-emails.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { cartWith, checkoutRequest, newShopper, startCheckout } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { deleteMessages, messagesTo, readMessage } from '../support/mailpit';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/** The sum of a counter's samples with these labels, on the Prometheus endpoint of this process's test workers. */
async function workerCounter(metric: string, labels: string): Promise<number> {
  const text = await (await fetch(testStack().workerMetricsUrl)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${metric}{`) && l.includes(labels))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('sendPendingEmails (real workers, Temporal, PostgreSQL, Mailpit)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let workers: RunningTestWorkers;
  const recipients: string[] = [];

  before(async () => {
    t = createTestApp();
    workers = await runTestWorkers();
  });
  after(async () => {
    await workers.stop();
    await deleteMessages((await Promise.all(recipients.map(messagesTo))).flat().map((m) => m.ID));
    await t.close();
  });

  const sendPending = () =>
    testStack().temporal.client.workflow.execute<SendPendingEmailsWorkflow>(sendPendingEmailsWorkflowType, {
      workflowId: uniqueId('email-sender-test'),
      taskQueue: taskQueues.notifications,
      args: [],
    });

  it('a confirmed order produces exactly one email in Mailpit, with its order, lines and total, and it is counted', async () => {
    const shopper = await newShopper(t);
    recipients.push(shopper.email);
    const { cartId } = await cartWith(t, shopper, { price: 2500, quantity: 2 });
    const result = await startCheckout(shopper, cartId);
    assert.equal(result.status, 'confirmed', JSON.stringify(result));
    const sentBefore = await workerCounter('emails_total', 'outcome="sent"');

    const first = await sendPending();
    assert.ok(first.sent >= 1, JSON.stringify(first));
    await sendPending();

    const messages = await messagesTo(shopper.email);
    assert.equal(messages.length, 1, JSON.stringify(messages.map((m) => m.Subject)));
    const notification = await t.deps.db.selectFrom('notifications').selectAll().where('order_id', '=', result.orderId).where('template', '=', 'order-confirmed').executeTakeFirstOrThrow();
    assert.equal(notification.status, 'sent');
    assert.equal(notification.recipient, shopper.email);
    const message = await readMessage(messages[0]!.ID);
    assert.equal(message.MessageID, `notification-${notification.id}@shop.example`);
    assert.deepEqual(message.To.map((a) => a.Address), [shopper.email]);
    assert.equal(message.Subject, `Your order ${result.orderId.slice(0, 8).toUpperCase()} is confirmed`);
    const total = new Intl.NumberFormat('en-US', { style: 'currency', currency: result.totals.currency }).format(result.totals.total.amount / 100);
    assert.ok(message.Text.includes(`Total: ${total}`), message.Text);
    assert.match(message.Text, /2 × .+: \$50\.00/);
    assert.ok(message.Text.includes(result.orderId));
    assert.ok(message.HTML.includes(total), message.HTML);
    assert.ok((await workerCounter('emails_total', 'outcome="sent"')) >= sentBefore + 1);
  });

  it("writes in the language the shopper checked out in, with the order's currency formatted for it", async () => {
    const shopper = await newShopper(t);
    recipients.push(shopper.email);
    const { cartId } = await cartWith(t, shopper, { price: 123456 });
    const result = await startCheckout(shopper, cartId, { request: { ...checkoutRequest(shopper, cartId), locale: 'de-DE' } });
    assert.equal(result.status, 'confirmed', JSON.stringify(result));
    const order = await t.deps.db.selectFrom('orders').select(['locale', 'currency']).where('id', '=', result.orderId).executeTakeFirstOrThrow();
    assert.equal(order.locale, 'de-DE');

    await sendPending();
    const [summary, ...more] = await messagesTo(shopper.email);
    assert.equal(more.length, 0);
    const message = await readMessage(summary!.ID);
    assert.equal(message.Subject, `Ihre Bestellung ${result.orderId.slice(0, 8).toUpperCase()} ist bestätigt`);
    const total = new Intl.NumberFormat('de-DE', { style: 'currency', currency: order.currency }).format(result.totals.total.amount / 100);
    assert.ok(message.Text.includes(`Gesamtbetrag: ${total}`), message.Text);
    assert.match(total, /^[\d.]+,\d\d\s/, 'German grouping and decimal comma');
  });
});
