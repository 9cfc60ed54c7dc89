import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { migrateToLatest } from '../../db/migrator';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderStatuses } from '../../domain/order-state';
import {
  assertRefused,
  createOrder,
  createPayment,
  createStockedSku,
  createTestDb,
  uniqueId,
} from '../support/db-fixtures';

const CHECK = '23514';
const UNIQUE = '23505';
const RESTRICT = '23001';

describe('db invariants', function () {
  this.timeout(20_000);
  let db: Kysely<Database>;

  before(async () => {
    db = createTestDb();
    await migrateToLatest(db);
  });

  after(async () => {
    await db?.destroy();
  });

  describe('inventory', () => {
    it('refuses reserved > on_hand and leaves the row unchanged', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 5);
      await assertRefused(
        db.updateTable('inventory').set({ reserved: 6 }).where('sku', '=', sku).where('warehouse_id', '=', warehouseId).execute(),
        { code: CHECK, constraint: 'inventory_reserved_within_on_hand' },
      );
      const row = await db.selectFrom('inventory').selectAll().where('sku', '=', sku).executeTakeFirstOrThrow();
      assert.equal(row.reserved, 0);
      assert.equal(row.on_hand, 5);
    });

    it('refuses reserved < 0', async () => {
      const { sku } = await createStockedSku(db, 5);
      await assertRefused(db.updateTable('inventory').set({ reserved: -1 }).where('sku', '=', sku).execute(), {
        code: CHECK,
        constraint: 'inventory_reserved_non_negative',
      });
    });

    it('refuses reserved > on_hand when on_hand changes in the same statement', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 0);
      await assertRefused(
        db.updateTable('inventory').set({ on_hand: 1, reserved: 2 }).where('sku', '=', sku).where('warehouse_id', '=', warehouseId).execute(),
        { code: CHECK, constraint: 'inventory_reserved_within_on_hand' },
      );
    });

    it('reserves with one conditional statement that never oversells, and bumps version', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 5);
      const before = await db.selectFrom('inventory').select('version').where('sku', '=', sku).executeTakeFirstOrThrow();

      const reserve = (orderId: string, quantity: number) =>
        db.transaction().execute(async (trx) => {
          const result = await trx
            .updateTable('inventory')
            .set((eb) => ({ reserved: eb('reserved', '+', quantity) }))
            .where('sku', '=', sku)
            .where('warehouse_id', '=', warehouseId)
            .where((eb) => eb(eb('on_hand', '-', eb.ref('reserved')), '>=', quantity))
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) return false;
          await trx.insertInto('inventory_reservations').values({ order_id: orderId, sku, warehouse_id: warehouseId, quantity }).execute();
          return true;
        });

      const first = await createOrder(db);
      const second = await createOrder(db);
      assert.equal(await reserve(first.id, 3), true);
      assert.equal(await reserve(second.id, 3), false, 'only 2 left, the second reservation must not happen');

      const row = await db.selectFrom('inventory').select(['reserved', 'version']).where('sku', '=', sku).executeTakeFirstOrThrow();
      assert.equal(row.reserved, 3);
      assert.equal(row.version, before.version + 1);
      assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
    });

    it('refuses a second reservation for the same (order, sku, warehouse)', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 10);
      const order = await createOrder(db);
      const reservation = { order_id: order.id, sku, warehouse_id: warehouseId, quantity: 1 };
      await db.insertInto('inventory_reservations').values(reservation).execute();
      await assertRefused(db.insertInto('inventory_reservations').values({ ...reservation, quantity: 2 }).execute(), {
        code: UNIQUE,
        constraint: 'inventory_reservations_order_sku_warehouse_key',
      });
      // The active reservation has no matching reserved count; release it so reconciliation stays clean.
      await db.updateTable('inventory_reservations').set({ status: 'released' }).where('order_id', '=', order.id).execute();
    });
  });

  describe('inventory_movements ledger', () => {
    it('refuses UPDATE and DELETE (append-only) and keeps the row', async () => {
      const { sku } = await createStockedSku(db, 7);
      await assertRefused(db.updateTable('inventory_movements').set({ note: 'tampered' }).where('sku', '=', sku).execute(), {
        code: RESTRICT,
        message: /append-only/,
      });
      await assertRefused(db.deleteFrom('inventory_movements').where('sku', '=', sku).execute(), {
        code: RESTRICT,
        message: /append-only/,
      });
      const rows = await db.selectFrom('inventory_movements').select(['quantity_delta', 'note']).where('sku', '=', sku).execute();
      assert.deepEqual(rows, [{ quantity_delta: 7, note: null }]);
    });

    it('makes a retried movement a no-op with ON CONFLICT and refuses a plain duplicate', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 7);
      const receiptId = uniqueId('RCPT');
      const movement = {
        sku,
        warehouse_id: warehouseId,
        quantity_delta: 3,
        reason: 'receipt' as const,
        reference_type: 'inventory_receipt',
        reference_id: receiptId,
      };
      const insertOnce = () =>
        db
          .insertInto('inventory_movements')
          .values(movement)
          .onConflict((oc) => oc.columns(['reason', 'reference_id', 'sku', 'warehouse_id']).doNothing())
          .returning('id')
          .execute();
      assert.equal((await insertOnce()).length, 1);
      assert.equal((await insertOnce()).length, 0);
      await assertRefused(db.insertInto('inventory_movements').values(movement).execute(), {
        code: UNIQUE,
        constraint: 'inventory_movements_dedupe_key',
      });
      // Keep on_hand equal to the ledger for reconciliation.
      await db.updateTable('inventory').set((eb) => ({ on_hand: eb('on_hand', '+', 3) })).where('sku', '=', sku).execute();
      assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
    });

    it('refuses a zero movement and an unknown reason', async () => {
      const { sku, warehouseId } = await createStockedSku(db, 1);
      const base = { sku, warehouse_id: warehouseId, reference_type: 'test', reference_id: uniqueId('ref') };
      await assertRefused(
        db.insertInto('inventory_movements').values({ ...base, quantity_delta: 0, reason: 'adjustment' }).execute(),
        { code: CHECK, constraint: 'inventory_movements_delta_non_zero' },
      );
      await assertRefused(
        db
          .insertInto('inventory_movements')
          .values({ ...base, quantity_delta: 1, reason: 'found-behind-shelf' as 'adjustment' })
          .execute(),
        { code: CHECK, constraint: 'inventory_movements_reason_check' },
      );
    });
  });

  describe('payments', () => {
    it('refuses captured > authorized', async () => {
      const order = await createOrder(db);
      const paymentId = await createPayment(db, order.id, 5000);
      await assertRefused(db.updateTable('payments').set({ captured_amount: 5001 }).where('id', '=', paymentId).execute(), {
        code: CHECK,
        constraint: 'payments_captured_within_authorized',
      });
      await db.updateTable('payments').set({ captured_amount: 5000 }).where('id', '=', paymentId).execute();
    });

    it('refuses refunded > captured and refunded < 0', async () => {
      const order = await createOrder(db);
      const paymentId = await createPayment(db, order.id, 5000);
      await db.updateTable('payments').set({ captured_amount: 3000 }).where('id', '=', paymentId).execute();
      await assertRefused(db.updateTable('payments').set({ refunded_amount: 3001 }).where('id', '=', paymentId).execute(), {
        code: CHECK,
        constraint: 'payments_refunded_within_captured',
      });
      await assertRefused(db.updateTable('payments').set({ refunded_amount: -1 }).where('id', '=', paymentId).execute(), {
        code: CHECK,
        constraint: 'payments_refunded_non_negative',
      });
      await db.updateTable('payments').set({ refunded_amount: 3000 }).where('id', '=', paymentId).execute();
      const row = await db.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
      assert.deepEqual([row.authorized_amount, row.captured_amount, row.refunded_amount], [5000, 3000, 3000]);
    });

    it('refuses a duplicate provider event id, per provider', async () => {
      const eventId = uniqueId('evt');
      const event = { provider: 'stripe' as const, provider_event_id: eventId, type: 'payment_intent.succeeded', payload: { id: eventId } };
      await db.insertInto('payment_events').values(event).execute();
      await assertRefused(db.insertInto('payment_events').values(event).execute(), {
        code: UNIQUE,
        constraint: 'payment_events_provider_event_id_key',
      });
      const redelivered = await db
        .insertInto('payment_events')
        .values(event)
        .onConflict((oc) => oc.columns(['provider', 'provider_event_id']).doNothing())
        .returning('id')
        .execute();
      assert.equal(redelivered.length, 0);
      await db.insertInto('payment_events').values({ ...event, provider: 'manual' }).execute();
    });

    it('refuses a second payment with the same provider external id', async () => {
      const order = await createOrder(db);
      const externalId = uniqueId('pi');
      const payment = { order_id: order.id, provider: 'stripe' as const, external_id: externalId, currency: 'USD', authorized_amount: 100 };
      await db.insertInto('payments').values(payment).execute();
      await assertRefused(db.insertInto('payments').values(payment).execute(), {
        code: UNIQUE,
        constraint: 'payments_provider_external_id_key',
      });
    });
  });

  describe('orders and customers', () => {
    it('refuses a second order with the same idempotency key', async () => {
      const first = await createOrder(db);
      await assertRefused(createOrder(db, { idempotencyKey: first.idempotencyKey }), {
        code: UNIQUE,
        constraint: 'orders_idempotency_key_key',
      });
      const count = await db
        .selectFrom('orders')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('idempotency_key', '=', first.idempotencyKey)
        .executeTakeFirstOrThrow();
      assert.equal(count.n, 1);
    });

    it('accepts exactly the order statuses of domain/order-state.ts in orders_status_check', async () => {
      const { rows } = await sql<{ definition: string }>`
        select pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = 'orders'::regclass and conname = 'orders_status_check'`.execute(db);
      assert.equal(rows.length, 1, 'orders_status_check not found');
      const definition = rows[0]!.definition;
      // Nothing but one list: status = ANY (ARRAY['pending'::text, ...]).
      const list = /^CHECK \(\(status = ANY \(ARRAY\[((?:'[a-z_]+'::text(?:, )?)+)\]\)\)\)$/.exec(definition);
      assert.ok(list?.[1], `unexpected definition: ${definition}`);
      const inConstraint = [...list[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
      assert.deepEqual([...inConstraint].sort(), [...orderStatuses].sort());

      const order = await createOrder(db);
      for (const status of orderStatuses) {
        await db.updateTable('orders').set({ status }).where('id', '=', order.id).execute();
        const row = await db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow();
        assert.equal(row.status, status);
      }
      await assertRefused(
        db.updateTable('orders').set({ status: 'paused' as 'pending' }).where('id', '=', order.id).execute(),
        { code: CHECK, constraint: 'orders_status_check' },
      );
    });

    it('refuses an unknown order status and negative amounts', async () => {
      const order = await createOrder(db);
      await assertRefused(
        db.updateTable('orders').set({ status: 'teleported' as 'pending' }).where('id', '=', order.id).execute(),
        { code: CHECK, constraint: 'orders_status_check' },
      );
      await assertRefused(db.updateTable('orders').set({ tax_amount: -1 }).where('id', '=', order.id).execute(), {
        code: CHECK,
        constraint: 'orders_amounts_non_negative',
      });
    });

    it('treats customer emails case-insensitively', async () => {
      const local = uniqueId('ada').toLowerCase();
      await db.insertInto('customers').values({ email: `${local}@example.com` }).execute();
      await assertRefused(db.insertInto('customers').values({ email: `${local.toUpperCase()}@Example.COM` }).execute(), {
        code: UNIQUE,
        constraint: 'customers_email_key',
      });
    });

    it('refuses editing the support audit log', async () => {
      const order = await createOrder(db);
      await db
        .insertInto('support_actions')
        .values({ actor_id: 'agent-1', actor_role: 'support', action: 'hold', order_id: order.id, reason: 'customer called' })
        .execute();
      await assertRefused(db.updateTable('support_actions').set({ reason: 'nothing happened' }).where('order_id', '=', order.id).execute(), {
        code: RESTRICT,
        message: /append-only/,
      });
      await assertRefused(db.deleteFrom('support_actions').where('order_id', '=', order.id).execute(), { code: RESTRICT });
    });
  });
});
