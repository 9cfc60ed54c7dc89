import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { findStaleOrderIds, markOrdersIndexed } from '../../db/order-search-documents';
import { createOrder as recordOrder, identifyCustomer, setOrderStatus, type NewOrder } from '../../db/orders';
import { createOrder, createStockedSku, createTestDb, uniqueId } from '../support/db-fixtures';

describe('order repository: status changes with their email, the customer behind a token', function () {
  this.timeout(20_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });
  after(() => db?.destroy());

  const emailsFor = (orderId: string) =>
    db.selectFrom('notifications').select(['template', 'recipient', 'payload', 'status']).where('order_id', '=', orderId).orderBy('created_at').execute();

  describe('createOrder', () => {
    const address = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' };
    const newOrder = async (lines: NewOrder['lines']): Promise<NewOrder> => {
      const email = `${uniqueId('buyer')}@example.com`;
      return {
      orderId: randomUUID(),
      customerId: (await identifyCustomer(db, uniqueId('subject'), email))!.id,
      email,
      idempotencyKey: uniqueId('key'),
      currency: 'USD',
      subtotal: 3000,
      tax: 0,
      shipping: 0,
      total: 3000,
      shippingAddress: address,
      billingAddress: address,
      risk: { score: 10, level: 'low', reasons: ['first-order'] },
      lines,
      };
    };
    const itemsOf = (orderId: string) =>
      db.selectFrom('order_items').select(['sku', 'product_name', 'quantity', 'unit_price_amount', 'total_amount']).where('order_id', '=', orderId).orderBy('sku').execute();

    it('records the order with its items once, however often it runs', async () => {
      const [a, b] = [(await createStockedSku(db, 5)).sku, (await createStockedSku(db, 5)).sku].sort();
      const order = await newOrder([
        { sku: a!, productName: 'Tea "Earl Grey"', quantity: 2, unitPrice: 1000, total: 2000 },
        { sku: b!, productName: 'Mug', quantity: 1, unitPrice: 1000, total: 1000 },
      ]);
      await recordOrder(db, order);
      await recordOrder(db, order);
      const row = await db.selectFrom('orders').select(['status', 'total_amount', 'risk_level']).where('id', '=', order.orderId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'pending', total_amount: 3000, risk_level: 'low' });
      assert.deepEqual(await itemsOf(order.orderId), [
        { sku: a, product_name: 'Tea "Earl Grey"', quantity: 2, unit_price_amount: 1000, total_amount: 2000 },
        { sku: b, product_name: 'Mug', quantity: 1, unit_price_amount: 1000, total_amount: 1000 },
      ]);
    });

    it('records nothing when an item is refused: the order and its items commit together', async () => {
      const { sku } = await createStockedSku(db, 5);
      const order = await newOrder([{ sku, productName: 'Tea', quantity: 0, unitPrice: 1000, total: 0 }]);
      await assert.rejects(recordOrder(db, order), (error: { code?: string }) => error.code === '23514');
      assert.equal(await db.selectFrom('orders').select('id').where('id', '=', order.orderId).executeTakeFirst(), undefined);
    });
  });

  describe('setOrderStatus', () => {
    it('queues the email a change sends with the change, once however often it runs', async () => {
      const order = await createOrder(db);
      const confirmed = { template: 'order-confirmed', payload: { total: { amount: 5000, currency: 'USD' } } } as const;
      await setOrderStatus(db, order.id, { status: 'confirmed', notification: confirmed });
      await setOrderStatus(db, order.id, { status: 'confirmed', notification: confirmed });

      const row = await db.selectFrom('orders').select(['status', 'email', 'confirmed_at']).where('id', '=', order.id).executeTakeFirstOrThrow();
      assert.equal(row.status, 'confirmed');
      assert.ok(row.confirmed_at);
      assert.deepEqual(await emailsFor(order.id), [{ template: 'order-confirmed', recipient: row.email, payload: confirmed.payload, status: 'pending' }]);
    });

    it('sends nothing for a change that did not happen: a terminal order stays terminal and unmailed', async () => {
      const order = await createOrder(db);
      await setOrderStatus(db, order.id, { status: 'rejected', reason: 'out of stock', notification: { template: 'order-rejected', payload: { reason: 'OutOfStock' } } });
      await setOrderStatus(db, order.id, { status: 'cancelled', reason: 'late cancel', notification: { template: 'order-cancelled', payload: { reason: 'late cancel' } } });

      const row = await db.selectFrom('orders').select(['status', 'status_reason']).where('id', '=', order.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'rejected', status_reason: 'out of stock' });
      assert.deepEqual((await emailsFor(order.id)).map((e) => e.template), ['order-rejected']);
    });

    it('mails nobody about an order that was never recorded', async () => {
      const orderId = randomUUID();
      await setOrderStatus(db, orderId, { status: 'rejected', reason: 'price changed', notification: { template: 'order-rejected', payload: { reason: 'PriceChanged' } } });
      assert.deepEqual(await emailsFor(orderId), []);
      assert.equal(await db.selectFrom('orders').select('id').where('id', '=', orderId).executeTakeFirst(), undefined);
    });

    it('moves without an email when the change sends none', async () => {
      const order = await createOrder(db);
      await setOrderStatus(db, order.id, { status: 'on_hold' });
      assert.equal((await db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status, 'on_hold');
      assert.deepEqual(await emailsFor(order.id), []);
    });

    describe('with the parcels a confirmation ships as', () => {
      const orderWithItem = async () => {
        const order = await createOrder(db);
        const { sku, warehouseId } = await createStockedSku(db, 5);
        await db.insertInto('order_items').values({ order_id: order.id, sku, product_name: `Test ${sku}`, quantity: 2, unit_price_amount: 1000, total_amount: 2000 }).execute();
        const parcel = { id: randomUUID(), warehouseId, shipTo: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', postal_code: '62701', country: 'US' }, lines: [{ sku, quantity: 2 }], charged: { amount: 599, currency: 'USD' } };
        return { order, parcel };
      };
      const parcelsOf = (orderId: string) =>
        db
          .selectFrom('shipments')
          .innerJoin('shipment_items', 'shipment_items.shipment_id', 'shipments.id')
          .select(['shipments.id', 'shipments.status', 'shipments.charged_amount', 'shipment_items.quantity'])
          .where('shipments.order_id', '=', orderId)
          .execute();

      it('records each parcel and its items with the confirmation, once however often it runs', async () => {
        const { order, parcel } = await orderWithItem();
        await setOrderStatus(db, order.id, { status: 'confirmed', parcels: [parcel] });
        await setOrderStatus(db, order.id, { status: 'confirmed', parcels: [parcel] });
        assert.equal((await db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status, 'confirmed');
        assert.deepEqual(await parcelsOf(order.id), [{ id: parcel.id, status: 'pending', charged_amount: 599, quantity: 2 }]);
      });

      it('confirms nothing when a parcel carries what the order does not hold', async () => {
        const { order, parcel } = await orderWithItem();
        await assert.rejects(setOrderStatus(db, order.id, { status: 'confirmed', parcels: [{ ...parcel, lines: [{ sku: 'NOT-ORDERED', quantity: 1 }] }] }), /NOT-ORDERED/);
        assert.equal((await db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status, 'pending');
        assert.deepEqual(await parcelsOf(order.id), []);
        assert.equal((await db.selectFrom('shipments').select('id').where('id', '=', parcel.id).executeTakeFirst()), undefined);
      });
    });
  });

  describe('identifyCustomer', () => {
    it('creates the customer on first sight, then finds the same one with its order counts', async () => {
      const subject = uniqueId('subject');
      const email = `${subject}@example.com`;
      const first = (await identifyCustomer(db, subject, email))!;
      assert.deepEqual({ ...first, id: typeof first.id }, { id: 'string', ordersLast24h: 0, ordersEver: 0 });

      const recent = await createOrder(db);
      const old = await createOrder(db);
      await db.updateTable('orders').set({ customer_id: first.id }).where('id', 'in', [recent.id, old.id]).execute();
      await db.updateTable('orders').set({ created_at: new Date(Date.now() - 3 * 24 * 60 * 60 * 1000) }).where('id', '=', old.id).execute();

      assert.deepEqual(await identifyCustomer(db, subject, email), { id: first.id, ordersLast24h: 1, ordersEver: 2 });
    });

    it('adopts a customer known only by email (imported) when its owner first checks out', async () => {
      const email = `${uniqueId('imported')}@example.com`;
      const imported = await db.insertInto('customers').values({ email }).returning('id').executeTakeFirstOrThrow();
      const profile = await identifyCustomer(db, uniqueId('subject'), email.toUpperCase());
      assert.equal(profile?.id, imported.id);
    });

    it("finds nobody for a new subject whose email is another signed-in account's, and changes nothing", async () => {
      const email = `${uniqueId('owner')}@example.com`;
      const owner = (await identifyCustomer(db, uniqueId('owner'), email))!;
      const stranger = uniqueId('stranger');
      assert.equal(await identifyCustomer(db, stranger, email.toUpperCase()), undefined);
      const rows = await db.selectFrom('customers').select(['id', 'auth_subject']).where(sql`lower(email)`, '=', email.toLowerCase()).execute();
      assert.deepEqual(rows.map((r) => r.id), [owner.id]);
      assert.equal(await db.selectFrom('customers').select('id').where('auth_subject', '=', stranger).executeTakeFirst(), undefined);
    });
  });

  describe('search version', () => {
    it('every change of an order bumps its search version; recording what was indexed changes neither the version nor updated_at', async () => {
      const order = await createOrder(db);
      const read = () => db.selectFrom('orders').select(['search_version', 'search_indexed_version', 'updated_at']).where('id', '=', order.id).executeTakeFirstOrThrow();
      const created = await read();
      assert.deepEqual([created.search_version, created.search_indexed_version], [1, 0]);
      assert.ok((await findStaleOrderIds(db, 100_000)).includes(order.id));

      await setOrderStatus(db, order.id, { status: 'confirmed' });
      await db.updateTable('orders').set({ shipping_address: { name: 'B', line1: '2 Elm St', city: 'Springfield', postal_code: '12345', country: 'US' } }).where('id', '=', order.id).execute();
      const changed = await read();
      assert.equal(changed.search_version, 3);

      await markOrdersIndexed(db, [{ id: order.id, version: 3 }]);
      const indexed = await read();
      assert.deepEqual([indexed.search_version, indexed.search_indexed_version], [3, 3]);
      assert.equal(indexed.updated_at.getTime(), changed.updated_at.getTime());
      assert.equal((await findStaleOrderIds(db, 100_000)).includes(order.id), false);
      // Never backwards, never ahead of the order.
      await markOrdersIndexed(db, [{ id: order.id, version: 2 }]);
      await markOrdersIndexed(db, [{ id: order.id, version: 9 }]);
      assert.equal((await read()).search_indexed_version, 3);
    });
  });
});
