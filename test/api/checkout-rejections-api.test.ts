import assert from 'node:assert/strict';
import request from 'supertest';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { addToCart, createCart, redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { createStockedSku } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

/**
 * Every way checkout refuses a cart before anything is reserved, as the shopper meets it: the
 * problem type and status, nothing held, no order row, and the order's workflow ended rejected.
 */
describe('checkout API rejections (real workers, Temporal, PostgreSQL, Redis)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  const stock = (sku: string) => t.deps.db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).executeTakeFirstOrThrow();

  /** The refusal came before the order was recorded: no row, no reservation, and the run completed with the same reason. */
  async function assertEndedRejected(orderId: string, reason: string, skus: string[]): Promise<void> {
    const [orders, reservations] = await Promise.all([
      t.deps.db.selectFrom('orders').select('id').where('id', '=', orderId).execute(),
      t.deps.db.selectFrom('inventory_reservations').select('sku').where('order_id', '=', orderId).execute(),
    ]);
    assert.deepEqual(orders, []);
    assert.deepEqual(reservations, []);
    const handle = t.deps.temporal.workflow.getHandle(orderWorkflowId(orderId));
    const result = await handle.result();
    assert.deepEqual({ status: result.status, reason: result.status === 'rejected' ? result.reason.type : undefined }, { status: 'rejected', reason });
    assert.equal((await handle.describe()).status.name, 'COMPLETED');
    assert.deepEqual(await findInventoryDrift(t.deps.db, { skus }), []);
  }

  it('a price change on one of two lines is a 409 price-changed with the totals at the new prices; nothing is reserved', async () => {
    const shopper = await newShopper(t);
    const { cartId, sku: changed } = await cartWith(t, shopper, { onHand: 5, quantity: 2, price: 1000 });
    const unchanged = await createStockedSku(t.deps.db, 5, 300);
    assert.equal((await addToCart(t.app, cartId, unchanged.sku, 1, shopper.bearer)).status, 200);
    await t.deps.db.updateTable('product_variants').set({ price_amount: 900 }).where('sku', '=', changed.sku).execute();

    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));

    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.type, '/problems/price-changed');
    assert.equal(res.body.reason, 'PriceChanged');
    assert.deepEqual(res.body.details.lines, [{ sku: changed.sku, was: { amount: 1000, currency: 'USD' }, now: { amount: 900, currency: 'USD' } }]);
    const totals = res.body.details.totals;
    assert.deepEqual(
      totals.lines.map((l: { sku: string; unitPrice: { amount: number }; lineTotal: { amount: number } }) => [l.sku, l.unitPrice.amount, l.lineTotal.amount]),
      [
        [changed.sku, 900, 1800],
        [unchanged.sku, 300, 300],
      ],
    );
    assert.equal(totals.subtotal.amount, 2100);
    assert.equal(totals.total.amount, totals.subtotal.amount + totals.tax.amount + totals.shipping.amount);
    assert.deepEqual(await stock(changed.sku), { on_hand: 5, reserved: 0 });
    assert.deepEqual(await stock(unchanged.sku), { on_hand: 5, reserved: 0 });
    await assertEndedRejected(res.body.orderId, 'PriceChanged', [changed.sku, unchanged.sku]);
  });

  for (const [what, deactivate] of [
    ['variant', (db: TestApp['deps']['db'], sku: { sku: string }) => db.updateTable('product_variants').set({ active: false }).where('sku', '=', sku.sku).execute()],
    ['product', (db: TestApp['deps']['db'], sku: { productId: string }) => db.updateTable('products').set({ status: 'inactive' }).where('id', '=', sku.productId).execute()],
  ] as const) {
    it(`an item whose ${what} was deactivated since it was added is a 409 out-of-stock naming it with nothing available; nothing is reserved`, async () => {
      const shopper = await newShopper(t);
      const { cartId, sku: gone } = await cartWith(t, shopper, { onHand: 5, quantity: 2 });
      const still = await createStockedSku(t.deps.db, 5);
      assert.equal((await addToCart(t.app, cartId, still.sku, 1, shopper.bearer)).status, 200);
      await deactivate(t.deps.db, gone);

      const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));

      assert.equal(res.status, 409, JSON.stringify(res.body));
      assert.equal(res.body.type, '/problems/out-of-stock');
      assert.equal(res.body.reason, 'OutOfStock');
      assert.deepEqual(res.body.details.lines, [{ sku: gone.sku, requested: 2, available: 0 }]);
      assert.deepEqual(await stock(gone.sku), { on_hand: 5, reserved: 0 });
      assert.deepEqual(await stock(still.sku), { on_hand: 5, reserved: 0 });
      await assertEndedRejected(res.body.orderId, 'OutOfStock', [gone.sku, still.sku]);
    });
  }

  it('an empty cart is a 422 cart-empty, and so is a cart whose last line was removed', async () => {
    const shopper = await newShopper(t);
    const empty = await createCart(t.app, shopper.bearer);
    const res = await postCheckout(t, shopper, checkoutBody(shopper, empty));
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.type, '/problems/cart-empty');
    assert.equal(res.body.reason, 'CartEmpty');
    assert.deepEqual(res.body.details, { cartId: empty });
    await assertEndedRejected(res.body.orderId, 'CartEmpty', []);

    const { cartId, sku } = await cartWith(t, shopper, { onHand: 3, quantity: 1 });
    const removed = await request(t.app).delete(`/carts/${cartId}/lines/${sku.sku}`).set('Authorization', shopper.bearer);
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    const emptied = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
    assert.equal(emptied.status, 422, JSON.stringify(emptied.body));
    assert.equal(emptied.body.type, '/problems/cart-empty');
    assert.deepEqual(await stock(sku.sku), { on_hand: 3, reserved: 0 });
    await assertEndedRejected(emptied.body.orderId, 'CartEmpty', [sku.sku]);
  });

  it('a cart no carrier can deliver (priced in a currency the rate card has no rates in) is a 422 address-undeliverable; nothing is reserved', async () => {
    const shopper = await newShopper(t);
    const sku = await createStockedSku(t.deps.db, 5, 3000);
    await t.deps.db.updateTable('product_variants').set({ currency: 'JPY' }).where('sku', '=', sku.sku).execute();
    const cartId = await createCart(t.app, shopper.bearer);
    const added = await addToCart(t.app, cartId, sku.sku, 1, shopper.bearer);
    assert.equal(added.status, 200, JSON.stringify(added.body));

    const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));

    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.equal(res.body.type, '/problems/address-undeliverable');
    assert.equal(res.body.reason, 'AddressUndeliverable');
    assert.deepEqual(res.body.details, { carrierMessage: 'no standard rate in JPY to US' });
    assert.deepEqual(await stock(sku.sku), { on_hand: 5, reserved: 0 });
    await assertEndedRejected(res.body.orderId, 'AddressUndeliverable', [sku.sku]);
  });
});
