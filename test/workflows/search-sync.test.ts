import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Database } from '../../db/database';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { findSearchDrift } from '../../activities/search/find-search-drift';
import { findStaleOrderIds } from '../../db/order-search-documents';
import { setOrderStatus } from '../../db/orders';
import { catchUpOrderIndexWorkflowType, type CatchUpOrderIndexWorkflow } from '../../workflows/search/catch-up-order-index.messages';
import { catchUpSearchIndexWorkflowType, type CatchUpSearchIndexWorkflow } from '../../workflows/search/catch-up-search-index.messages';
import {
  productChanged,
  productSyncWorkflowId,
  syncProductSearchWorkflowType,
  type SyncProductSearchWorkflow,
} from '../../workflows/search/sync-product-search.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { createOrder, createStockedSku, createTestDb, uniqueId } from '../support/db-fixtures';
import { indexedDocument } from '../support/search-fixtures';
import { testConfig, testIndices, testStack } from '../support/test-stack';
import { createTestWorkers, type TestWorkers } from '../support/test-workers';

describe('search sync workflows (real Temporal, PostgreSQL, Elasticsearch)', () => {
  let db: Kysely<Database>;
  let es: Elasticsearch;
  let test: TestWorkers;
  let running: Promise<void>[];

  before(async () => {
    db = createTestDb();
    es = createElasticsearch(testConfig().elasticsearch);
    test = await createTestWorkers({ db, es });
    running = test.workers.map((w) => w.run());
  });
  after(async () => {
    test.workers.forEach((w) => w.shutdown());
    await Promise.all(running);
    await test.close();
    await Promise.all([db.destroy(), es.close()]);
  });

  const client = () => testStack().temporal.client;
  const signalChange = (productId: string) =>
    client().workflow.signalWithStart<SyncProductSearchWorkflow>(syncProductSearchWorkflowType, {
      workflowId: productSyncWorkflowId(productId),
      taskQueue: taskQueues.search,
      args: [productId],
      signal: productChanged,
    });

  it('coalesces a burst of changes into one write per window, and ends on the latest state', async () => {
    const { productId, sku } = await createStockedSku(db, 5, 1000);
    for (let price = 1001; price <= 1010; price += 1) {
      await db.updateTable('product_variants').set({ price_amount: price }).where('sku', '=', sku).execute();
      await db.updateTable('products').set({ search_version: sql<number>`search_version + 1` }).where('id', '=', productId).execute();
      await signalChange(productId);
    }
    const doc = await indexedDocument(db, es, productId);
    assert.equal(doc.priceMin, 1010);
    const history = await client().workflow.getHandle(productSyncWorkflowId(productId)).fetchHistory();
    const writes = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'indexProducts').length;
    assert.ok(writes >= 1 && writes < 10, `10 changes cost ${writes} writes`);
  });

  it('catches up products whose sync signal never came', async () => {
    const lagging = await Promise.all([createStockedSku(db, 1), createStockedSku(db, 2)]);
    const ids = lagging.map((l) => l.productId);
    const result = await client().workflow.execute<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
      workflowId: uniqueId('search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });
    assert.ok(result.indexed >= 2);
    const rows = await db.selectFrom('products').select(['search_version', 'search_indexed_version']).where('id', 'in', ids).execute();
    assert.ok(rows.every((r) => r.search_indexed_version === r.search_version));
    assert.equal((await indexedDocument(db, es, ids[1]!)).available, 2);
  });

  it('catches up orders whose support-search document lags (changed while search was away), at their latest version', async () => {
    const orders = await Promise.all([createOrder(db), createOrder(db)]);
    const ids = orders.map((o) => o.id);
    // A change nobody indexed: the trigger moves the version, the index does not follow.
    await setOrderStatus(db, ids[0]!, { status: 'confirmed' });
    assert.ok((await findStaleOrderIds(db, 10_000)).includes(ids[0]!));

    const result = await client().workflow.execute<CatchUpOrderIndexWorkflow>(catchUpOrderIndexWorkflowType, {
      workflowId: uniqueId('order-search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });
    assert.ok(result.indexed >= 2, JSON.stringify(result));
    const rows = await db.selectFrom('orders').select(['id', 'status', 'search_version', 'search_indexed_version']).where('id', 'in', ids).execute();
    assert.ok(rows.every((r) => r.search_indexed_version === r.search_version), JSON.stringify(rows));
    for (const row of rows) {
      const doc = await es.get<{ status: string }>({ index: testIndices().orders.name, id: row.id });
      assert.equal(doc._version, row.search_version);
      assert.equal(doc._source!.status, row.status);
    }
    assert.equal(rows.find((r) => r.id === ids[0])!.search_version, 2);
    assert.deepEqual(await findSearchDrift({ db, es, indices: testIndices() }, { orderIds: ids, productIds: [] }), []);

    // The reconciliation sees a change nobody indexed, and an index entry with no row behind it.
    await setOrderStatus(db, ids[1]!, { status: 'confirmed' });
    const ghost = '00000000-0000-4000-8000-00000000dead';
    await es.index({ index: testIndices().orders.name, id: ghost, document: { orderId: ghost }, refresh: true });
    try {
      const drift = await findSearchDrift({ db, es, indices: testIndices() }, { orderIds: [...ids, ghost], productIds: [] });
      assert.deepEqual(
        drift.map(({ id, kind, databaseVersion, indexVersion }) => ({ id, kind, databaseVersion, indexVersion })),
        [
          { id: ids[1], kind: 'lagging', databaseVersion: 2, indexVersion: 1 },
          { id: ghost, kind: 'orphan', databaseVersion: null, indexVersion: 1 },
        ],
      );
    } finally {
      await es.delete({ index: testIndices().orders.name, id: ghost, refresh: true });
    }
  });
});
