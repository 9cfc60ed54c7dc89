import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { redisReady } from '../support/cart-fixtures';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { partiallyShippedOrder } from '../support/partially-shipped-order';

const SCREENSHOT_DIR = process.env.CONSOLE_SCREENSHOT_DIR;
const WAIT = { timeout: 30_000 };

describe('support console cancel the rest in a real browser (Chromium, real API, workers, Temporal, both sandboxes, PostgreSQL)', function () {
  this.timeout(180_000);
  let s: ParcelStack;
  let server: Server;
  let base: string;
  let browser: Browser;
  const cspViolations: string[] = [];

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
    server = s.t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await s?.stop();
  });

  async function signedIn(subject: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${base}/console`);
    await page.getByLabel('Support or admin token').fill((await s.t.bearer('support', subject)).replace(/^Bearer /, ''));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${subject} (support)`).waitFor(WAIT);
    return page;
  }

  it('the last parcel is handed over while support is cancelling the rest: the order refuses, and the dialog says why in words (nothing-left-to-cancel)', async () => {
    const { orderId, view, second, warehouseApi } = await partiallyShippedOrder(s);
    const alice = await signedIn('alice');
    await alice.goto(`${base}/console#/orders/${orderId}`);
    await alice.getByRole('heading', { name: `Order ${orderId}` }).waitFor(WAIT);
    await alice.locator('[data-order-status="partially_shipped"]').waitFor(WAIT);
    // With a first parcel gone, cancelling the rest is what the page offers first.
    const likely = alice.getByRole('group', { name: 'Likely now' });
    await likely.locator('[data-action="cancel-rest"]').click();
    const dialog = alice.getByRole('dialog', { name: 'Cancel the rest' });
    await dialog.getByLabel(/Reason \(recorded/).fill('customer wants only the first parcel');

    // Meanwhile the second warehouse hands its parcel to the carrier: nothing is left to stop.
    assert.equal((await warehouseApi(second.warehouseCode, `${second.shipmentId}/hand-over`)).status, 200);
    await eventually(view, (v) => v.status === 'shipped' || v.status === 'delivered', { what: 'the order shipped' });
    await dialog.getByRole('button', { name: 'Cancel the rest' }).click();
    const refusal = dialog.locator('[data-problem-type="nothing-left-to-cancel"]');
    await refusal.waitFor(WAIT);
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match(
      (await refusal.textContent())!,
      /Every parcel of the order is with the carrier or ended; nothing is left to cancel.*nothing is left that cancelling the rest could stop\. Refund instead\..*Reason code: nothing-left-to-cancel \(HTTP 409\)/s,
    );
    if (SCREENSHOT_DIR) await dialog.screenshot({ path: `${SCREENSHOT_DIR}/console-cancel-rest-refused.png` });
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await alice.evaluate('document.activeElement?.dataset.action'), 'cancel-rest');

    // The refusal changed nothing: the page shows the order shipped, no parcel was cancelled.
    await alice.locator('[data-order-status="shipped"], [data-order-status="delivered"]').waitFor(WAIT);
    const parcels = await s.db.selectFrom('shipments').select('status').where('order_id', '=', orderId).execute();
    assert.equal(parcels.length, 2);
    assert.ok(parcels.every((p) => p.status !== 'cancelled'), JSON.stringify(parcels));
    assert.ok((await view()).shipments!.every((p) => p.stage !== 'cancelled'));
    assert.deepEqual(cspViolations, [], 'the console runs under its policy');
  });
});
