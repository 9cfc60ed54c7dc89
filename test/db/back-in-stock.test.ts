import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { queueBackInStockEmails, subscribeBackInStock } from '../../db/back-in-stock';
import type { Database } from '../../db/database';
import type { BackInStockEmailPayload } from '../../domain/stock-notifications';
import { receiveStock } from '../../db/receive-stock';
import { reserveStock } from '../../db/reservations';
import { assertRefused, createOrder, createStockedSku, createTestDb, TEST_WAREHOUSE_CODE, uniqueId } from '../support/db-fixtures';

describe('back-in-stock subscriptions (PostgreSQL)', () => {
  let db: Kysely<Database>;
  before(() => {
    db = createTestDb();
  });
  after(() => db.destroy());

  const emailsFor = (sku: string) =>
    db
      .selectFrom('notifications')
      .select(['recipient', 'template', 'payload', 'dedupe_key', 'status'])
      .where('template', '=', 'back-in-stock')
      .where((eb) => eb(eb.ref('payload', '->>').key('sku'), '=', sku))
      .orderBy('recipient')
      .execute();
  const restock = async (sku: string, quantity: number) => {
    const receiptId = uniqueId('RCPT');
    await receiveStock(db, { receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity }], receivedBy: 'test' });
    return receiptId;
  };
  const subscribe = async (sku: string, customerSubject: string, email = `${customerSubject}@example.com`) => {
    const result = await subscribeBackInStock(db, { sku, customerSubject, email });
    assert.equal(result.kind, 'subscribed', JSON.stringify(result));
    return result.kind === 'subscribed' ? result : assert.fail();
  };

  it('subscribes a customer to a sold-out SKU once, however often they ask, and refuses an SKU in stock or unknown', async () => {
    const soldOut = await createStockedSku(db, 1);
    const order = await createOrder(db);
    assert.equal((await reserveStock(db, order.id, [{ sku: soldOut.sku, warehouseId: soldOut.warehouseId, quantity: 1 }], new Date(Date.now() + 60_000))).kind, 'reserved');

    const first = await subscribe(soldOut.sku, 'cust-a', 'a@example.com');
    assert.equal(first.created, true);
    assert.equal(first.subscription.status, 'waiting');
    const again = await subscribe(soldOut.sku, 'cust-a', 'a.new@example.com');
    assert.deepEqual([again.created, again.subscription.id, again.subscription.email], [false, first.subscription.id, 'a.new@example.com']);
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => subscribe(soldOut.sku, 'cust-b')));
    assert.equal(concurrent.filter((r) => r.created).length, 1);
    assert.equal(new Set(concurrent.map((r) => r.subscription.id)).size, 1);
    const rows = await db.selectFrom('back_in_stock_subscriptions').select(['customer_subject']).where('sku', '=', soldOut.sku).orderBy('customer_subject').execute();
    assert.deepEqual(rows, [{ customer_subject: 'cust-a' }, { customer_subject: 'cust-b' }]);

    const inStock = await createStockedSku(db, 3);
    assert.deepEqual(await subscribeBackInStock(db, { sku: inStock.sku, customerSubject: 'cust-a', email: 'a@example.com' }), { kind: 'in_stock', available: 3 });
    assert.deepEqual(await subscribeBackInStock(db, { sku: uniqueId('NOPE'), customerSubject: 'cust-a', email: 'a@example.com' }), { kind: 'unknown_sku' });
  });

  it('queues one email per waiting subscriber when stock is back, marks them notified, and queues nothing when run again', async () => {
    const { sku, productId } = await createStockedSku(db, 0);
    const a = await subscribe(sku, 'cust-a');
    const b = await subscribe(sku, 'cust-b');
    const unrelated = await createStockedSku(db, 0);
    await subscribe(unrelated.sku, 'cust-a');

    // Not back yet: nothing to tell.
    assert.deepEqual(await queueBackInStockEmails(db, { receiptId: 'none', warehouseCode: TEST_WAREHOUSE_CODE, skus: [sku] }), { queued: 0 });

    const receiptId = await restock(sku, 4);
    const restocked = { receiptId, warehouseCode: TEST_WAREHOUSE_CODE, skus: [sku, unrelated.sku] };
    assert.deepEqual(await queueBackInStockEmails(db, restocked), { queued: 2 });
    assert.deepEqual(await queueBackInStockEmails(db, restocked), { queued: 0 }, 'a retry queues nothing');

    const emails = await emailsFor(sku);
    assert.deepEqual(
      emails.map((e) => [e.recipient, e.dedupe_key, e.status]),
      [
        ['cust-a@example.com', `back-in-stock/${a.subscription.id}`, 'pending'],
        ['cust-b@example.com', `back-in-stock/${b.subscription.id}`, 'pending'],
      ],
    );
    assert.deepEqual(emails[0]!.payload, {
      subscriptionId: a.subscription.id,
      sku,
      attributes: { size: 'M' },
      productId,
      productName: `Test product ${sku}`,
      productSlug: sku.toLowerCase(),
      price: { amount: 2500, currency: 'USD' },
      available: 4,
      warehouseCode: TEST_WAREHOUSE_CODE,
      receiptId,
    } satisfies BackInStockEmailPayload);
    const subscriptions = await db.selectFrom('back_in_stock_subscriptions').select(['status', 'notified_by_receipt']).where('sku', '=', sku).execute();
    assert.deepEqual(subscriptions, [
      { status: 'notified', notified_by_receipt: receiptId },
      { status: 'notified', notified_by_receipt: receiptId },
    ]);
    assert.deepEqual(await emailsFor(unrelated.sku), [], 'a SKU still sold out tells nobody');

    // Told is final; a customer may wait again once it sells out again.
    await assertRefused(db.updateTable('back_in_stock_subscriptions').set({ status: 'waiting', notified_at: null, notified_by_receipt: null }).where('id', '=', a.subscription.id).execute(), {
      code: '23001',
      message: /already notified/,
    });
    const order = await createOrder(db);
    assert.equal((await reserveStock(db, order.id, [{ sku, warehouseId: (await createStockedSku(db, 0)).warehouseId, quantity: 4 }], new Date(Date.now() + 60_000))).kind, 'reserved');
    const again = await subscribe(sku, 'cust-a');
    assert.equal(again.created, true);
    assert.notEqual(again.subscription.id, a.subscription.id);
  });
});
