import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/** Where the screenshots for people go: beside the tools, never into the repository. */
const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOT_DIR;
const WAIT = { timeout: 30_000 };

describe('support console in a real browser (Chromium, real API, workers, Temporal, PostgreSQL, Elasticsearch)', function () {
  this.timeout(180_000);
  let t: TestApp;
  let workers: RunningTestWorkers;
  let server: Server;
  let base: string;
  let browser: Browser;
  const requestedUrls: string[] = [];
  const cspViolations: string[] = [];

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    [workers, browser] = await Promise.all([runTestWorkers(), chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' })]);
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await Promise.all([workers?.stop(), t?.close()]);
  });

  async function newPage(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('request', (r) => requestedUrls.push(r.url()));
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    return page;
  }

  async function signIn(page: Page, bearer: string): Promise<void> {
    await page.goto(`${base}/console`);
    await page.getByLabel('Support or admin token').fill(bearer.replace(/^Bearer /, ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** A first order from a disposable inbox: 35 risk points, held for review. */
  async function placeHeldOrder(): Promise<{ orderId: string; email: string }> {
    const shopper = { ...(await newShopper(t)), email: `${uniqueId('x').toLowerCase()}@mailinator.com` };
    const { cartId } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.status, 'on_hold');
    return { orderId: res.body.orderId as string, email: shopper.email };
  }

  it('refuses a customer token with a clear message', async () => {
    const page = await newPage();
    await signIn(page, await t.bearer('customer', 'shopper-7'));
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    assert.equal(await alert.textContent(), 'This is a customer token. The support console admits support and admin tokens only.');
    assert.equal(await page.getByText('Signed in as').count(), 0);
    assert.equal(await page.evaluate('sessionStorage.length'), 0, 'a refused token is not kept');
    await page.close();
  });

  it('support signs in, finds a held order, approves it and sees the timeline move; a refused action shows its reason in words', async () => {
    const { orderId, email } = await placeHeldOrder();
    const page = await newPage();
    const alice = await t.bearer('support', 'alice');
    await signIn(page, alice);
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
    if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/console-work-waiting.png`, fullPage: true });
    await found.click();

    await page.locator('[data-order-status="on_hold"]').waitFor(WAIT);
    assert.deepEqual(await page.locator('[data-risk-reason]').evaluateAll((items) => items.map((i) => i.getAttribute('data-risk-reason'))), ['disposable-email', 'first-order']);
    const orderLink = page.getByRole('link', { name: `order-${orderId}` });
    assert.equal(await orderLink.getAttribute('href'), `${t.deps.config.temporal.uiUrl}/namespaces/${t.deps.config.temporal.namespace}/workflows/order-${orderId}`);
    assert.equal(await page.getByRole('heading', { name: `Order ${orderId}` }).evaluate((h) => h === h.ownerDocument.activeElement), true, 'focus moves to the order');
    if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/console-held-order.png`, fullPage: true });

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
    if (SCREENSHOT_DIR) await page.screenshot({ path: `${SCREENSHOT_DIR}/console-refused-action.png` });
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
    assert.ok(requestedUrls.length > 0 && requestedUrls.every((url) => !url.includes(signature)), 'no token in any URL');
    assert.deepEqual(cspViolations, [], 'the console runs under its policy');
    await page.close();
  });

  it('keeps /docs working under the app-wide policy', async () => {
    const page = await newPage();
    await page.goto(`${base}/docs`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Order fulfillment API' }).waitFor(WAIT);
    await page.locator('.opblock-tag', { hasText: 'Support' }).first().waitFor(WAIT);
    assert.deepEqual(cspViolations, []);
    await page.close();
  });
});
