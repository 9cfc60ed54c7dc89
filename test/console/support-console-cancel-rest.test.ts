import assert from 'node:assert/strict';
import { redisReady } from '../support/cart-fixtures';
import { screenshotForPeople, startConsoleBrowser, WAIT, type ConsoleBrowser } from '../support/console-browser';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { partiallyShippedOrder } from '../support/partially-shipped-order';

describe('support console cancel the rest in a real browser (Chromium, real API, workers, Temporal, both sandboxes, PostgreSQL)', function () {
  this.timeout(180_000);
  let s: ParcelStack;
  let browser: ConsoleBrowser;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    browser = await startConsoleBrowser(s.t);
  });
  after(async () => {
    await browser?.stop();
    await s?.stop();
  });

  it('the last parcel is handed over while support is cancelling the rest: the order refuses, and the dialog says why in words (nothing-left-to-cancel)', async () => {
    const { orderId, view, second, warehouseApi } = await partiallyShippedOrder(s);
    const alice = await browser.signedIn('alice');
    await alice.goto(`${browser.base}/console#/orders/${orderId}`);
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
    await screenshotForPeople(dialog, 'console-cancel-rest-refused');
    await alice.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', ...WAIT });
    assert.equal(await alice.evaluate('document.activeElement?.dataset.action'), 'cancel-rest');

    // The refusal changed nothing: the page shows the order shipped, no parcel was cancelled.
    await alice.locator('[data-order-status="shipped"], [data-order-status="delivered"]').waitFor(WAIT);
    const parcels = await s.db.selectFrom('shipments').select('status').where('order_id', '=', orderId).execute();
    assert.equal(parcels.length, 2);
    assert.ok(parcels.every((p) => p.status !== 'cancelled'), JSON.stringify(parcels));
    assert.ok((await view()).shipments!.every((p) => p.stage !== 'cancelled'));
    assert.deepEqual(browser.cspViolations, [], 'the console runs under its policy');
  });
});
