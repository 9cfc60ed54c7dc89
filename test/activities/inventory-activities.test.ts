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
import { TEST_WAREHOUSE_CODE, createOrder, createStockedSku, createTestDb, uniqueId } from '../support/db-fixtures';
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
