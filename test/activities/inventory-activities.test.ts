import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { quietLogger } from '../support/test-stack';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { createInventoryActivities } from '../../activities/inventory/inventory-activities';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { createRedis, redisReady } from '../../platform/create-redis';
import { productCacheKey } from '../../platform/product-cache';
import { stockInWarehouse } from '../support/cart-fixtures';
import { TEST_WAREHOUSE_CODE, assertRefused, createOrder, createStockedSku, createTestDb, uniqueId } from '../support/db-fixtures';
import { holdLock } from '../support/hold-lock';
import { testConfig } from '../support/test-stack';

describe('inventory activities (real PostgreSQL)', () => {
  let db: Kysely<Database>;
  let redis: Redis;
  let activities: ReturnType<typeof createInventoryActivities>;
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => env.run(activity, ...args) as Promise<R>;

  before(async () => {
    db = createTestDb();
    redis = createRedis(testConfig().redis);
    await redisReady(redis);
    activities = createInventoryActivities({ db, redis });
  });
  after(async () => {
    await Promise.all([db.destroy(), redis.quit()]);
  });

  const onHand = async (sku: string) =>
    (await db.selectFrom('inventory').select('on_hand').where('sku', '=', sku).executeTakeFirstOrThrow()).on_hand;
  const movements = (receiptId: string) =>
    db.selectFrom('inventory_movements').select(['sku', 'quantity_delta', 'reason']).where('reference_id', '=', receiptId).execute();

  it('drops the cached page of every product whose stock it reserves or releases, and still moves stock with Redis away', async () => {
    const stocked = await createStockedSku(db, 5);
    const order = await createOrder(db);
    const cached = () => redis.exists(productCacheKey(stocked.productId));
    const expiresAt = new Date(Date.now() + 60_000).toISOString();

    await redis.set(productCacheKey(stocked.productId), '{"stale":true}');
    const reserved = await run(activities.reserveStock, { orderId: order.id, lines: [{ sku: stocked.sku, quantity: 2 }], expiresAt });
    assert.deepEqual(reserved.productIds, [stocked.productId]);
    assert.equal(await cached(), 0);

    await redis.set(productCacheKey(stocked.productId), '{"stale":true}');
    assert.equal((await run(activities.releaseStock, order.id)).released, 1);
    assert.equal(await cached(), 0);

    // Nothing listens on this port: the cache drop fails fast and the stock moves anyway.
    const away = createRedis({ url: 'redis://127.0.0.1:1' });
    away.on('error', () => undefined);
    try {
      const withoutCache = createInventoryActivities({ db, redis: away });
      const again = await createOrder(db);
      await run(withoutCache.reserveStock, { orderId: again.id, lines: [{ sku: stocked.sku, quantity: 3 }], expiresAt });
      const row = await db.selectFrom('inventory').select('reserved').where('sku', '=', stocked.sku).executeTakeFirstOrThrow();
      assert.equal(row.reserved, 3);
      assert.equal((await run(withoutCache.releaseStock, again.id)).released, 1);
    } finally {
      away.disconnect();
    }
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
  });

  const warehouseId = async (code: string) => (await db.selectFrom('warehouses').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const stockRows = (skus: string[]) =>
    db.selectFrom('inventory').select(['sku', 'warehouse_id', 'on_hand', 'reserved']).where('sku', 'in', skus).orderBy('sku').orderBy('warehouse_id').execute();
  const ledgerOf = (skus: string[]) =>
    db.selectFrom('inventory_movements').select(['sku', 'warehouse_id', 'quantity_delta', 'reason']).where('sku', 'in', skus).orderBy('id').execute();

  it('reserves a multi-line, multi-warehouse order all or nothing: a line found short after the others were taken leaves nothing reserved anywhere', async () => {
    // A is split over two warehouses (2 + 1), B ships from the first: three conditional writes.
    const a = await createStockedSku(db, 2);
    const b = await createStockedSku(db, 5);
    const secondCode = uniqueId('WH');
    await stockInWarehouse(db, a.sku, secondCode, 2);
    const first = a.warehouseId;
    const second = await warehouseId(secondCode);
    const requested = { [a.sku]: 3, [b.sku]: 1 };
    const expected = [
      { sku: a.sku, warehouseId: first, quantity: 2 },
      { sku: a.sku, warehouseId: second, quantity: 1 },
      { sku: b.sku, warehouseId: first, quantity: 1 },
    ];
    // The activity locks rows in (sku, warehouse) order: hold the last, so every other line is taken when it waits.
    const sorted = [...expected].sort((x, y) => x.sku.localeCompare(y.sku) || x.warehouseId.localeCompare(y.warehouseId));
    const last = sorted[sorted.length - 1]!;
    const lockRow = (trx: Kysely<Database>) =>
      trx.selectFrom('inventory').select('sku').where('sku', '=', last.sku).where('warehouse_id', '=', last.warehouseId).forUpdate().executeTakeFirstOrThrow();
    const order = await createOrder(db);
    const stockBefore = await stockRows([a.sku, b.sku]);
    const ledgerBefore = await ledgerOf([a.sku, b.sku]);

    const lock = await holdLock(db, lockRow);
    const reserving = run(activities.reserveStock, {
      orderId: order.id,
      lines: [
        { sku: a.sku, quantity: requested[a.sku]! },
        { sku: b.sku, quantity: requested[b.sku]! },
      ],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    }).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    const waiting = await lock.blocking();
    assert.equal(waiting.length, 1, JSON.stringify(waiting));
    assert.match(waiting[0]!, /update "inventory" set "reserved"/);
    // The other lines are taken (row-locked by the reservation's transaction) while it waits on the last.
    for (const taken of sorted.slice(0, -1)) {
      await assertRefused(
        db.selectFrom('inventory').select('sku').where('sku', '=', taken.sku).where('warehouse_id', '=', taken.warehouseId).forUpdate().noWait().execute(),
        { code: '55P03' },
      );
    }
    // Meanwhile the last line's stock goes (a stock count found it missing), through the ledger.
    const lostUnits = stockBefore.find((r) => r.sku === last.sku && r.warehouse_id === last.warehouseId)!.on_hand;
    await lock.release(async (trx) => {
      await trx.updateTable('inventory').set({ on_hand: 0 }).where('sku', '=', last.sku).where('warehouse_id', '=', last.warehouseId).execute();
      await trx
        .insertInto('inventory_movements')
        .values({ sku: last.sku, warehouse_id: last.warehouseId, quantity_delta: -lostUnits, reason: 'adjustment', reference_type: 'test', reference_id: uniqueId('count') })
        .execute();
    });

    const outcome = await reserving;
    assert.ok('error' in outcome, `reserved anyway: ${JSON.stringify(outcome)}`);
    const error = outcome.error;
    assert.ok(error instanceof ApplicationFailure, String(error));
    assert.equal(error.type, 'OutOfStock');
    assert.equal(error.nonRetryable, true);
    const left = stockBefore.filter((r) => r.sku === last.sku).reduce((units, r) => units + r.on_hand, 0) - lostUnits;
    assert.deepEqual(error.details?.[0], { lines: [{ sku: last.sku, requested: requested[last.sku], available: left }] });

    assert.deepEqual(await db.selectFrom('inventory_reservations').select('sku').where('order_id', '=', order.id).execute(), []);
    assert.deepEqual(
      await stockRows([a.sku, b.sku]),
      stockBefore.map((r) => (r.sku === last.sku && r.warehouse_id === last.warehouseId ? { ...r, on_hand: 0 } : r)),
      'no warehouse keeps anything reserved',
    );
    // The ledger holds what it held, plus the count's adjustment: a reservation writes no movement.
    assert.deepEqual(await ledgerOf([a.sku, b.sku]), [...ledgerBefore, { sku: last.sku, warehouse_id: last.warehouseId, quantity_delta: -lostUnits, reason: 'adjustment' }]);
    assert.deepEqual(await findInventoryDrift(db, { skus: [a.sku, b.sku] }), []);
  });

  it('never reserves from an inactive warehouse, even one first in warehouse order with plenty', async () => {
    const stocked = await createStockedSku(db, 3);
    // Codes sort before TEST-DB-1, so allocation would pick this warehouse first if it counted.
    const inactiveCode = uniqueId('AAA-CLOSED');
    await stockInWarehouse(db, stocked.sku, inactiveCode, 10, false);
    const inactive = await warehouseId(inactiveCode);
    const expiresAt = new Date(Date.now() + 60_000).toISOString();

    const tooMany = await createOrder(db);
    await assert.rejects(run(activities.reserveStock, { orderId: tooMany.id, lines: [{ sku: stocked.sku, quantity: 4 }], expiresAt }), (error: unknown) => {
      assert.ok(error instanceof ApplicationFailure);
      assert.equal(error.type, 'OutOfStock');
      assert.deepEqual(error.details?.[0], { lines: [{ sku: stocked.sku, requested: 4, available: 3 }] });
      return true;
    });

    const fits = await createOrder(db);
    const reserved = await run(activities.reserveStock, { orderId: fits.id, lines: [{ sku: stocked.sku, quantity: 3 }], expiresAt });
    assert.deepEqual(reserved.parcels, [{ warehouseId: stocked.warehouseId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku: stocked.sku, quantity: 3 }] }]);
    const rows = await stockRows([stocked.sku]);
    assert.deepEqual(
      rows.map(({ warehouse_id, on_hand, reserved }) => ({ warehouse_id, on_hand, reserved })).sort((x, y) => x.warehouse_id.localeCompare(y.warehouse_id)),
      [
        { warehouse_id: stocked.warehouseId, on_hand: 3, reserved: 3 },
        { warehouse_id: inactive, on_hand: 10, reserved: 0 },
      ].sort((x, y) => x.warehouse_id.localeCompare(y.warehouse_id)),
    );
    const reservations = await db.selectFrom('inventory_reservations').select(['order_id', 'warehouse_id', 'quantity']).where('sku', '=', stocked.sku).execute();
    assert.deepEqual(reservations, [{ order_id: fits.id, warehouse_id: stocked.warehouseId, quantity: 3 }]);
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
  });

  it('receives stock once: a retry of the same receipt changes nothing', async () => {
    const a = await createStockedSku(db, 10);
    const b = await createStockedSku(db, 0);
    const receiptId = uniqueId('ASN');
    const input = {
      receiptId,
      warehouseCode: TEST_WAREHOUSE_CODE,
      lines: [
        { sku: a.sku, quantity: 5 },
        { sku: b.sku, quantity: 3 },
      ],
      receivedBy: 'admin-1',
    };
    const versionBefore = (await db.selectFrom('products').select('search_version').where('id', '=', a.productId).executeTakeFirstOrThrow())
      .search_version;

    const first = await run(activities.receiveStock, input);
    const retry = await run(activities.receiveStock, input);

    assert.equal(await onHand(a.sku), 15);
    assert.equal(await onHand(b.sku), 3);
    assert.deepEqual(first, retry);
    assert.deepEqual(new Set(first.productIds), new Set([a.productId, b.productId]));
    const ledger = await movements(receiptId);
    assert.equal(ledger.length, 2);
    assert.ok(ledger.every((m) => m.reason === 'receipt'));
    const versionAfter = (await db.selectFrom('products').select('search_version').where('id', '=', a.productId).executeTakeFirstOrThrow())
      .search_version;
    assert.equal(versionAfter, versionBefore + 1, 'the product is marked for re-indexing exactly once');
    assert.deepEqual(await findInventoryDrift(db, { skus: [a.sku, b.sku] }), []);
  });

  it('applies concurrent receipts for the same SKU without losing one', async () => {
    const { sku } = await createStockedSku(db, 0);
    await Promise.all(
      Array.from({ length: 20 }, () =>
        run(activities.receiveStock, {
          receiptId: uniqueId('ASN'),
          warehouseCode: TEST_WAREHOUSE_CODE,
          lines: [{ sku, quantity: 2 }],
          receivedBy: 'admin-1',
        }),
      ),
    );
    assert.equal(await onHand(sku), 40);
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
  });

  it('rejects unknown SKUs as a non-retryable business failure and writes nothing', async () => {
    const { sku } = await createStockedSku(db, 1);
    const receiptId = uniqueId('ASN');
    await assert.rejects(
      run(activities.receiveStock, {
        receiptId,
        warehouseCode: TEST_WAREHOUSE_CODE,
        lines: [
          { sku, quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
        receivedBy: 'admin-1',
      }),
      (error: unknown) => {
        assert.ok(error instanceof ApplicationFailure);
        assert.equal(error.type, 'UnknownSku');
        assert.equal(error.nonRetryable, true);
        assert.deepEqual(error.details?.[0], { skus: ['NO-SUCH-SKU'] });
        return true;
      },
    );
    assert.equal(await onHand(sku), 1);
    assert.deepEqual(await movements(receiptId), []);
  });

  it('rejects an unknown warehouse', async () => {
    const { sku } = await createStockedSku(db, 1);
    await assert.rejects(
      run(activities.receiveStock, { receiptId: uniqueId('ASN'), warehouseCode: 'NOWHERE', lines: [{ sku, quantity: 1 }], receivedBy: 'a' }),
      (error: unknown) => error instanceof ApplicationFailure && error.type === 'UnknownWarehouse',
    );
  });
});
