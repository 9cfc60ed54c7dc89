import assert from 'node:assert/strict';
import { findReturn } from '../../db/returns';
import { redisReady } from '../support/cart-fixtures';
import { startConsoleBrowser, WAIT, type ConsoleBrowser } from '../support/console-browser';
import { eventually } from '../support/eventually';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { returnPolicy, startReturn, type DeliveredOrder } from '../support/return-fixtures';
import { deliveredCardOrder } from '../support/delivered-card-order';
import { testStack } from '../support/test-stack';

describe('support console returns in a real browser (Chromium, real API, workers, Temporal, carrier sandbox, PostgreSQL)', function () {
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

  /** A real card order (its workflow answers the order page), delivered, with a return above the auto-approve amount waiting for support. */
  async function deliveredOrderWithWaitingReturn(): Promise<{ orderId: string; rmaId: string }> {
    const { orderId } = await deliveredCardOrder(s, { quantity: 2, price: 6000 });
    const item = await s.db.selectFrom('order_items').select(['id', 'sku', 'unit_price_amount']).where('order_id', '=', orderId).executeTakeFirstOrThrow();
    const order: DeliveredOrder = { orderId, itemId: item.id, sku: item.sku, productId: '', warehouseId: '', unitPrice: item.unit_price_amount };
    // Above the auto-approve amount and high risk: it waits for support.
    assert.ok(2 * order.unitPrice >= returnPolicy.autoApproveBelow);
    const { rmaId } = await startReturn(s.db, testStack().temporal.client, order, { quantity: 2, riskLevel: 'high' });
    return { orderId, rmaId };
  }

  it('a return above the auto-approve amount waits in the queue; support approves it with a reason from the order page and the queue count drops', async () => {
    const { orderId, rmaId } = await deliveredOrderWithWaitingReturn();
    const alice = await browser.signedIn('alice');
    const queue = alice.locator('[data-queue="rmas-to-decide"]');
    const entry = queue.locator(`[data-item="${rmaId}"]`);
    await entry.waitFor(WAIT);
    const before = Number(await queue.locator('.count').textContent());
    assert.ok(before >= 1);

    await entry.getByRole('link').click();
    await alice.getByRole('heading', { name: `Order ${orderId}` }).waitFor(WAIT);
    const row = alice.locator(`[data-rma-id="${rmaId}"]`);
    await row.and(alice.locator('[data-return-status="requested"]')).waitFor(WAIT);
    await row.locator('[data-action="approve-return"]').click();
    const dialog = alice.getByRole('dialog', { name: 'Approve return' });
    await dialog.getByLabel(/Reason \(recorded/).fill('photos show the damage');
    await dialog.getByRole('button', { name: 'Approve return' }).click();
    await alice.getByText(/Approve return: done\. The return is /).waitFor(WAIT);
    await row.locator('[data-action="approve-return"]').waitFor({ state: 'detached', ...WAIT });
    const decided = await eventually(() => findReturn(s.db, rmaId), (r) => r?.status !== 'requested', { what: 'the return decided' });
    assert.deepEqual([decided?.approval, decided?.decided_by, decided?.decision_reason], ['support', 'alice', 'photos show the damage']);

    await alice.goto(`${browser.base}/console#/`);
    await queue.locator('.count', { hasText: new RegExp(`^${before - 1}$`) }).waitFor(WAIT);
    assert.equal(await entry.count(), 0);
  });

  it('support denies a return waiting for a decision with a reason from the order page: its status changes there and it leaves the queue', async () => {
    const { orderId, rmaId } = await deliveredOrderWithWaitingReturn();
    const bob = await browser.signedIn('bob');
    const queue = bob.locator('[data-queue="rmas-to-decide"]');
    const entry = queue.locator(`[data-item="${rmaId}"]`);
    await entry.waitFor(WAIT);
    const before = Number(await queue.locator('.count').textContent());
    assert.ok(before >= 1);

    await entry.getByRole('link').click();
    await bob.getByRole('heading', { name: `Order ${orderId}` }).waitFor(WAIT);
    const row = bob.locator(`[data-rma-id="${rmaId}"]`);
    await row.and(bob.locator('[data-return-status="requested"]')).waitFor(WAIT);
    await row.getByRole('button', { name: `Deny return ${rmaId}` }).click();
    const dialog = bob.getByRole('dialog', { name: 'Deny return' });
    assert.match((await dialog.textContent())!, new RegExp(`The customer is told the return was denied\\. Return ${rmaId} of \\$`));
    await dialog.getByLabel(/Reason \(recorded/).fill('bought over a year ago');
    await dialog.getByRole('button', { name: 'Deny return' }).click();
    await bob.getByText('Deny return: done. The return is denied.').waitFor(WAIT);
    // The order page shows it denied, with the reason, and offers no decision any more.
    await row.and(bob.locator('[data-return-status="denied"]')).waitFor(WAIT);
    assert.match((await row.textContent())!, /denied.*bought over a year ago/s);
    assert.equal(await row.locator('[data-action]').count(), 0);
    const decided = await eventually(() => findReturn(s.db, rmaId), (r) => r?.status !== 'requested', { what: 'the return decided' });
    assert.deepEqual([decided?.status, decided?.decided_by, decided?.decision_reason], ['denied', 'bob', 'bought over a year ago']);

    await bob.getByRole('link', { name: '← Work waiting and search' }).click();
    await queue.locator('.count', { hasText: new RegExp(`^${before - 1}$`) }).waitFor(WAIT);
    assert.equal(await entry.count(), 0);
  });
});
