import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import request from 'supertest';
import { createSmtpTransport } from '../../activities/notifications/mail-transport';
import { sendDueEmails } from '../../activities/notifications/send-due-emails';
import { sendPendingEmailsWorkflowType, type SendPendingEmailsWorkflow } from '../../workflows/notifications/send-pending-emails.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { redisReady } from '../support/cart-fixtures';
import { screenshotForPeople, startConsoleBrowser, WAIT, type ConsoleBrowser } from '../support/console-browser';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { closedPort, deleteMessages, messagesTo } from '../support/mailpit';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig, testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

describe('support console in a real browser (Chromium, real API, workers, Temporal, PostgreSQL, Elasticsearch)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let workers: RunningTestWorkers;
  let browser: ConsoleBrowser;
  const recipients: string[] = [];

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    [workers, browser] = await Promise.all([runTestWorkers(), startConsoleBrowser(t)]);
  });
  after(async () => {
    await deleteMessages((await Promise.all(recipients.map(messagesTo))).flat().map((m) => m.ID));
    await browser?.stop();
    await Promise.all([workers?.stop(), t?.close()]);
  });

  /** A first order from a disposable inbox: 35 risk points, held for review (its emails are deleted from Mailpit after the suite). */
  async function placeHeldOrder(): Promise<{ orderId: string; email: string }> {
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { cartId } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'on_hold');
    recipients.push(shopper.email);
    return { orderId: res.body.orderId as string, email: shopper.email };
  }

  it('refuses a customer token with a clear message', async () => {
    const page = await browser.newPage();
    await browser.signIn(page, await t.bearer('customer', 'shopper-7'));
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    assert.equal(await alert.textContent(), 'This is a customer token. The support console admits support and admin tokens only.');
    assert.equal(await page.getByText('Signed in as').count(), 0);
    assert.equal(await page.evaluate('sessionStorage.length'), 0, 'a refused token is not kept');
    await page.close();
  });

  it('support signs in, finds a held order, approves it and sees the timeline move; a refused action shows its reason in words', async () => {
    const { orderId, email } = await placeHeldOrder();
    const page = await browser.newPage();
    const alice = await t.bearer('support', 'alice');
    await browser.signIn(page, alice);
    await page.getByText('Signed in as alice (support)').waitFor(WAIT);

    // The queue of held orders lists it, with its count.
    const held = page.locator('[data-queue="on-hold"]');
    await held.getByRole('link', { name: orderId.slice(0, 8) }).waitFor(WAIT);
    assert.match((await held.locator('.count').textContent())!, /^\d+$/);
    assert.match((await held.getByRole('listitem').filter({ hasText: email }).textContent())!, /risk medium/);

    // Found by its email: the search runs again every few seconds until the index has it.
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Search' }).click();
    const found = page.getByRole('row').getByRole('link', { name: orderId });
    await found.waitFor(WAIT);
    await screenshotForPeople(page, 'console-work-waiting', { fullPage: true });
    await found.click();

    await page.locator('[data-order-status="on_hold"]').waitFor(WAIT);
    assert.deepEqual(await page.locator('[data-risk-reason]').evaluateAll((items) => items.map((i) => i.getAttribute('data-risk-reason'))), ['disposable-email', 'first-order']);
    const orderLink = page.getByRole('link', { name: `order-${orderId}` });
    assert.equal(await orderLink.getAttribute('href'), `${t.deps.config.temporal.uiUrl}/namespaces/${t.deps.config.temporal.namespace}/workflows/order-${orderId}`);
    assert.equal(await page.getByRole('heading', { name: `Order ${orderId}` }).evaluate((h) => h === h.ownerDocument.activeElement), true, 'focus moves to the order');
    await screenshotForPeople(page, 'console-held-order', { fullPage: true });

    // Approve, with a reason typed in the dialog.
    await page.locator('[data-action="approve-risk"]').click();
    const dialog = page.getByRole('dialog', { name: 'Approve risk' });
    await dialog.getByLabel(/Reason/).fill('called the customer, all good');
    await dialog.getByRole('button', { name: 'Approve risk' }).click();
    await page.getByText('Approve risk: done. The order is now confirmed.').waitFor(WAIT);
    await page.locator('[data-order-status="confirmed"]').waitFor(WAIT);
    const approval = page.locator('.timeline li[data-event="approveRisk"]');
    await approval.waitFor(WAIT);
    assert.match((await approval.textContent())!, /approve risk.*by alice.*called the customer, all good/);
    const audit = await t.deps.db.selectFrom('support_actions').select(['actor_id', 'action', 'reason']).where('order_id', '=', orderId).execute();
    assert.deepEqual(audit, [{ actor_id: 'alice', action: 'approveRisk', reason: 'called the customer, all good' }]);

    // Another agent holds it through the API: the open page shows it without a reload.
    const bob = await t.bearer('support', 'bob');
    const hold = await request(t.app).post(`/support/orders/${orderId}/hold`).set('Authorization', bob).send({ reason: 'customer asked to wait' });
    assert.equal(hold.status, 200, JSON.stringify(hold.body));
    const holdEntry = page.locator('.timeline li[data-event="hold"]');
    await holdEntry.waitFor(WAIT);
    assert.match((await holdEntry.textContent())!, /by bob/);
    await page.getByText('held by support').waitFor(WAIT);

    // Approving again is refused by the order, and the console says why in words.
    await page.locator('[data-action="approve-risk"]').click();
    const again = page.getByRole('dialog', { name: 'Approve risk' });
    await again.getByLabel(/Reason/).fill('double click');
    await again.getByRole('button', { name: 'Approve risk' }).click();
    const refusal = again.locator('[data-problem-type="not-on-hold"]');
    await refusal.waitFor(WAIT);
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match((await refusal.textContent())!, /Only an order held for risk review can be approved or rejected/);
    await screenshotForPeople(page, 'console-refused-action');
    // Keyboard: Escape closes the dialog and focus goes back to the button that opened it.
    await page.keyboard.press('Escape');
    await again.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await page.evaluate('document.activeElement?.dataset.action'), 'approve-risk');
    // A reload in the same tab keeps the agent signed in, on the same order.
    await page.reload();
    await page.getByText('Signed in as alice (support)').waitFor(WAIT);
    // The refusal changed nothing: still confirmed, still held, one approval on the timeline.
    await page.locator('[data-order-status="confirmed"]').waitFor(WAIT);
    await page.getByText('held by support').waitFor(WAIT);
    assert.equal(await page.locator('.timeline li[data-event="approveRisk"]').count(), 1);

    const signature = alice.split('.')[2]!;
    assert.ok(browser.requestedUrls.length > 0 && browser.requestedUrls.every((url) => !url.includes(signature)), 'no token in any URL');
    assert.deepEqual(browser.cspViolations, [], 'the console runs under its policy');
    await page.close();
  });

  /** One round of the outbox sender on the running workers, delivering to the test stack's Mailpit. */
  const sendPending = () =>
    testStack().temporal.client.workflow.execute<SendPendingEmailsWorkflow>(sendPendingEmailsWorkflowType, {
      workflowId: uniqueId('console-email-sender'),
      taskQueue: taskQueues.notifications,
      args: [],
    });

  /**
   * One round of the real sender activity against an SMTP port nothing listens on, with one attempt
   * allowed (EMAIL_MAX_ATTEMPTS=1): what is due fails for real. It runs beside the workers rather
   * than in them because the workers must deliver to Mailpit once support sends the email again,
   * and nothing else drains the outbox here (the test stack applies no schedule).
   */
  async function sendWhileSmtpIsDown(): Promise<void> {
    const transport = createSmtpTransport(`smtp://127.0.0.1:${await closedPort()}`, { timeoutMs: 2_000 });
    const { smtpUrl: _mailpit, ...email } = testConfig().email;
    const quiet = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) });
    try {
      await quiet.run(() => sendDueEmails(t.deps.db, { ...email, maxAttempts: 1, transport }, {}));
    } finally {
      transport.close();
    }
  }

  it('support sees an email that failed on its order and in the queue with its count, sends it again with a reason, and it arrives in Mailpit', async () => {
    // What earlier tests queued goes out first, so the failing round below fails this test's email only.
    await sendPending();
    const { orderId, email } = await placeHeldOrder();
    const bob = await t.bearer('support', 'bob');
    const listed = await request(t.app).get('/support/notifications').query({ orderId }).set('Authorization', bob);
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    const [queued, ...others] = listed.body.items as { id: string; template: string; status: string }[];
    assert.deepEqual([queued?.template, queued?.status, others.length], ['order-on-hold', 'pending', 0]);
    const notificationId = queued!.id;
    await sendWhileSmtpIsDown();

    const page = await browser.signedIn('carol');

    // The order page lists the order's email as failed, with its attempts and the SMTP error.
    await page.goto(`${browser.base}/console#/orders/${orderId}`);
    const row = page.locator(`tr[data-notification-id="${notificationId}"]`);
    await row.and(page.locator('[data-notification-status="failed"]')).waitFor(WAIT);
    assert.match((await row.textContent())!, /order on hold.*to .*failed.*1.*(ECONNREFUSED|connect)/is);
    await screenshotForPeople(row, 'console-order-emails');

    // Another agent sends it again first: this one's request is refused, and the dialog says why.
    await row.getByRole('button', { name: /Send again/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Send again' });
    assert.match((await dialog.textContent())!, new RegExp(`order on hold email to ${email.replace(/[.+]/g, '\\$&')}`));
    const first = await request(t.app).post(`/support/notifications/${notificationId}/retry`).set('Authorization', bob).send({ reason: 'bob got there first' });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    await dialog.getByLabel(/Reason/).fill('customer asked where the email is');
    await dialog.getByRole('button', { name: 'Send again' }).click();
    const refusal = dialog.locator('[data-problem-type="notification-not-failed"]');
    await refusal.waitFor(WAIT);
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match((await refusal.textContent())!, /Only a failed notification can be sent again.*The notification is pending\..*a sent one reached the mail server.*Reason code: notification-not-failed \(HTTP 409\)/s);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });

    // It fails again (its attempts were counted afresh), and the queue of work lists it with its count.
    await sendWhileSmtpIsDown();
    await page.getByRole('link', { name: '← Work waiting and search' }).click();
    const queue = page.locator('[data-queue="failed-notifications"]');
    const item = queue.locator(`li[data-item="${notificationId}"]`);
    await item.waitFor(WAIT);
    assert.ok(await item.getByRole('link', { name: orderId.slice(0, 8) }).isVisible());
    assert.match((await item.textContent())!, new RegExp(`order on hold to ${email.replace(/[.+]/g, '\\$&')} · 1 attempt · .*(ECONNREFUSED|connect)`, 'i'));
    const failedTotal = (await request(t.app).get('/support/notifications').query({ status: 'failed' }).set('Authorization', bob)).body.total as number;
    await queue.locator('.count').filter({ hasText: new RegExp(`^${failedTotal}$`) }).waitFor(WAIT);
    await screenshotForPeople(page, 'console-failed-emails', { fullPage: true });

    // Sent again from the queue, with a reason: it leaves the queue and the count goes down.
    await item.getByRole('button', { name: /Send again/ }).click();
    const again = page.getByRole('dialog', { name: 'Send again' });
    await again.getByLabel(/Reason/).fill('SMTP relay is back');
    await again.getByRole('button', { name: 'Send again' }).click();
    await page.getByText(`Send again: done. The email to ${email} is pending again.`).waitFor(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await queue.locator('.count').textContent(), String(failedTotal - 1));
    const audit = await t.deps.db.selectFrom('support_actions').select(['actor_id', 'action', 'reason']).where('target_id', '=', notificationId).orderBy('id').execute();
    assert.deepEqual(audit.map((a) => [a.actor_id, a.action, a.reason]), [['bob', 'retry-notification', 'bob got there first'], ['carol', 'retry-notification', 'SMTP relay is back']]);

    // The workers' sender delivers it to Mailpit, once, and the order page shows it sent.
    const sent = await sendPending();
    assert.ok(sent.sent >= 1, JSON.stringify(sent));
    const messages = await eventually(() => messagesTo(email), (m) => m.length > 0, { what: 'the email in Mailpit' });
    assert.deepEqual(messages.map((m) => [m.To.map((a) => a.Address), m.MessageID.replace(/@.*/, '')]), [[[email], `notification-${notificationId}`]]);
    await page.goto(`${browser.base}/console#/orders/${orderId}`);
    await row.and(page.locator('[data-notification-status="sent"]')).waitFor(WAIT);
    assert.match((await row.textContent())!, /sent .*1/s);
    assert.deepEqual(browser.cspViolations, []);
    await page.close();
  });

  it('keeps /docs working under the app-wide policy', async () => {
    const page = await browser.newPage();
    await page.goto(`${browser.base}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Order fulfillment API' }).waitFor(WAIT);
    await page.locator('.opblock-tag', { hasText: 'Support' }).first().waitFor(WAIT);
    assert.deepEqual(browser.cspViolations, []);
    await page.close();
  });
});
