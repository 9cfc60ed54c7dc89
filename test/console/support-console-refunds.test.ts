import assert from 'node:assert/strict';
import request from 'supertest';
import { redisReady } from '../support/cart-fixtures';
import { capturedOrder } from '../support/captured-order';
import { screenshotForPeople, startConsoleBrowser, WAIT, type ConsoleBrowser } from '../support/console-browser';
import { giveTestWarehouseAnAddress } from '../support/parcel-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { createTestApp, type TestApp } from '../support/test-app';
import { testConfig } from '../support/test-stack';

describe('support console refunds in a real browser (Chromium, real API, workers, Temporal, Stripe sandbox, PostgreSQL)', function () {
  this.timeout(180_000);
  let s: ParcelStack;
  /** The console's API, with refunds above 100 minor units waiting for an admin. */
  let t: TestApp;
  let browser: ConsoleBrowser;

  before(async () => {
    s = await startParcelStack();
    await redisReady(s.t.deps.redis);
    await giveTestWarehouseAnAddress(s.db);
    const config = testConfig();
    t = createTestApp({ config: { ...config, orders: { ...config.orders, refundApproval: { threshold: 100, deadline: '1 hour' } } } });
    browser = await startConsoleBrowser(t);
  });
  after(async () => {
    await browser?.stop();
    await t?.close();
    await s?.stop();
  });

  const awaitingCount = async () =>
    (await request(t.app).get('/support/queues').set('Authorization', await t.bearer('support', 'alice'))).body.refundsAwaitingApproval.count as number;

  it('support refunds an amount above the threshold, it waits in the queue, support may not approve it, an admin approves it and it is refunded; an admin refunding lines may not approve their own', async () => {
    const { orderId } = await capturedOrder(s);
    const alice = await browser.signedIn('alice', 'support');
    await alice.goto(`${browser.base}/console#/orders/${orderId}`);
    await alice.getByRole('heading', { name: `Order ${orderId}` }).waitFor(WAIT);

    // An amount the currency cannot hold is refused in words before anything is asked.
    await alice.locator('[data-action="refund-amount"]').click();
    const dialog = alice.getByRole('dialog', { name: 'Refund an amount' });
    await dialog.getByLabel(/Reason \(recorded/).fill('parcel arrived crushed');
    await dialog.getByLabel('Refund reason').selectOption('damaged');
    await dialog.getByLabel(/Amount in USD/).fill('1.234');
    await dialog.getByRole('button', { name: 'Refund an amount' }).click();
    await dialog.getByText('"1.234" is not an amount in USD.').waitFor(WAIT);
    // 1.23 dollars is exactly 123 cents: above the threshold of 100, so it waits for an admin.
    await dialog.getByLabel(/Amount in USD/).fill('1.23');
    await dialog.getByRole('button', { name: 'Refund an amount' }).click();
    await alice.getByText('Refund an amount: done. A refund of $1.23 was asked for.').waitFor(WAIT);
    const [asked] = await t.deps.db.selectFrom('refunds').select(['id', 'amount', 'reason', 'requested_by']).where('order_id', '=', orderId).execute();
    assert.deepEqual({ ...asked, id: typeof asked?.id }, { id: 'string', amount: 123, reason: 'damaged', requested_by: 'alice' });
    const refundId = asked!.id;

    // The order page lists it awaiting approval; support sees why it may not approve it.
    const row = alice.locator(`tr[data-refund-id="${refundId}"]`);
    await row.and(alice.locator('[data-refund-stage="awaiting_approval"]')).waitFor(WAIT);
    assert.match((await row.textContent())!, /\$1\.23.*damaged.*awaiting approval.*alice/s);
    const approve = row.getByRole('button', { name: 'Approve refund of $1.23' });
    assert.equal(await approve.isDisabled(), true);
    assert.match((await row.textContent())!, /Only an admin may approve a refund above the approval threshold\./);
    await screenshotForPeople(alice, 'console-refund-awaiting', { fullPage: true });

    // The queue of refunds awaiting approval lists it, with the API's count.
    await alice.getByRole('link', { name: '← Work waiting and search' }).click();
    const queue = alice.locator('[data-queue="refunds-awaiting-approval"]');
    const item = queue.locator(`li[data-item="${refundId}"]`);
    await item.waitFor(WAIT);
    assert.match((await item.textContent())!, /\$1\.23 · damaged · asked by alice · expires/);
    const waiting = await awaitingCount();
    assert.ok(waiting >= 1);
    await queue.locator('.count').filter({ hasText: new RegExp(`^${waiting}$`) }).waitFor(WAIT);

    // An admin who did not ask for it approves it from the order page.
    const root = await browser.signedIn('root', 'admin');
    await root.goto(`${browser.base}/console#/orders/${orderId}`);
    const rootRow = root.locator(`tr[data-refund-id="${refundId}"]`);
    await rootRow.getByRole('button', { name: 'Approve refund of $1.23' }).click();
    const approval = root.getByRole('dialog', { name: 'Approve refund' });
    assert.match((await approval.textContent())!, /Refund of \$1\.23 asked for by alice/);
    await approval.getByLabel(/Reason/).fill('photos show the damage');
    await approval.getByRole('button', { name: 'Approve refund' }).click();
    await root.getByText(/^Approve refund: done\./).waitFor(WAIT);
    await rootRow.and(root.locator('[data-refund-stage="succeeded"]')).waitFor(WAIT);
    assert.match((await rootRow.textContent())!, /\$1\.23.*damaged.*succeeded.*alice.*root/s);
    await root.locator('.order-page table tr', { hasText: /^.*refunded.*\$1\.23/ }).first().waitFor(WAIT);

    // It leaves the queue, whose count drops by one.
    await item.waitFor({ state: 'detached', ...WAIT });
    await queue.locator('.count').filter({ hasText: new RegExp(`^${waiting - 1}$`) }).waitFor(WAIT);
    assert.equal(await awaitingCount(), waiting - 1);
    const decision = await t.deps.db.selectFrom('support_actions').select(['actor_id', 'reason']).where('action', '=', 'approveRefund').where('target_id', '=', refundId).execute();
    assert.deepEqual(decision, [{ actor_id: 'root', reason: 'photos show the damage' }]);

    // The admin refunds a unit by lines, then tries to approve their own request: refused in words.
    await root.locator('[data-action="refund-lines"]').click();
    const byLines = root.getByRole('dialog', { name: 'Refund lines' });
    await byLines.getByLabel(/Reason \(recorded/).fill('one unit missing');
    await byLines.getByLabel('Refund reason').selectOption('not-received');
    await byLines.getByRole('button', { name: 'Refund lines' }).click();
    await byLines.getByText('Choose at least one unit to refund.').waitFor(WAIT);
    await byLines.getByLabel(/^Units of .*, of 3 \(optional\)$/).fill('1');
    await byLines.getByRole('button', { name: 'Refund lines' }).click();
    await root.getByText(/^Refund lines: done\. A refund of \$\d+\.\d\d was asked for\.$/).waitFor(WAIT);
    const own = await t.deps.db.selectFrom('refunds').select(['id', 'items']).where('order_id', '=', orderId).where('requested_by', '=', 'root').executeTakeFirstOrThrow();
    assert.deepEqual(own.items.map((i) => i.quantity), [1]);
    const ownRow = root.locator(`tr[data-refund-id="${own.id}"]`);
    await ownRow.and(root.locator('[data-refund-stage="awaiting_approval"]')).waitFor(WAIT);
    await ownRow.getByRole('button', { name: /^Approve refund of/ }).click();
    const selfApproval = root.getByRole('dialog', { name: 'Approve refund' });
    await selfApproval.getByLabel(/Reason/).fill('it is fine');
    await selfApproval.getByRole('button', { name: 'Approve refund' }).click();
    const refusal = selfApproval.locator('[data-problem-type="self-approval"]');
    await refusal.waitFor(WAIT);
    assert.equal(await refusal.getAttribute('role'), 'alert');
    assert.match((await refusal.textContent())!, /Four eyes: the agent who asked for a refund may not approve it\. Ask another admin\..*Reason code: self-approval \(HTTP 409\)/s);
    await screenshotForPeople(root, 'console-refund-self-approval');
    assert.equal(await root.locator(`tr[data-refund-id="${own.id}"][data-refund-stage="awaiting_approval"]`).count(), 1, 'the refusal changed nothing');
    assert.deepEqual(browser.cspViolations, []);
    await Promise.all([alice.close(), root.close()]);
  });
});
