import assert from 'node:assert/strict';
import { Worker } from '@temporalio/worker';
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
import { eventually } from '../support/eventually';
import { testConfig, testIndices, testStack, withWorkers } from '../support/test-stack';
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
  const signalChange = (productId: string, taskQueue: string = taskQueues.search) =>
    client().workflow.signalWithStart<SyncProductSearchWorkflow>(syncProductSearchWorkflowType, {
      workflowId: productSyncWorkflowId(productId),
      taskQueue,
      args: [productId],
      signal: productChanged,
    });

  it('coalesces a burst of changes into one write per window, and ends on the latest state', async () => {
    const { productId, sku } = await createStockedSku(db, 5, 1000);
    const changePrice = async (price: number, taskQueue?: string) => {
      await db.updateTable('product_variants').set({ price_amount: price }).where('sku', '=', sku).execute();
      await db.updateTable('products').set({ search_version: sql<number>`search_version + 1` }).where('id', '=', productId).execute();
      await signalChange(productId, taskQueue);
    };
    const history = async () => (await client().workflow.getHandle(productSyncWorkflowId(productId)).fetchHistory()).events ?? [];
    const writesIn = (events: Awaited<ReturnType<typeof history>>) => events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'indexProducts').length;
    const completedWrites = async () => (await history()).filter((e) => e.activityTaskCompletedEventAttributes).length;

    // The run's own task queue has no worker until the burst is in, so all ten changes fall in its
    // first window whatever the machine's speed; its write still goes to the search queue's workers.
    const parked = uniqueId('search-sync-burst');
    for (let price = 1001; price <= 1010; price += 1) await changePrice(price, parked);
    const worker = await Worker.create({ connection: testStack().temporal.nativeConnection, taskQueue: parked, workflowBundle: testStack().workflowBundle });
    await withWorkers([worker], async () => {
      assert.equal((await indexedDocument(db, es, productId)).priceMin, 1010);
      await eventually(completedWrites, (n) => n === 1, { what: 'the first write recorded' });
      const burst = await history();
      assert.equal(burst.filter((e) => e.workflowExecutionSignaledEventAttributes).length, 10);
      assert.equal(writesIn(burst), 1, `10 changes cost ${writesIn(burst)} writes`);

      // A change after that window opens the next one: one more write, never a write per change.
      await changePrice(1011);
      assert.equal((await indexedDocument(db, es, productId)).priceMin, 1011);
      await eventually(completedWrites, (n) => n === 2, { what: 'the second write recorded' });
      assert.equal(writesIn(await history()), 2);
    });
    await client().workflow.getHandle(productSyncWorkflowId(productId)).terminate('test: its task queue has no worker any more');
  });

  const catchUpProducts = () =>
    client().workflow.execute<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
      workflowId: uniqueId('search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });
  const catchUpOrders = () =>
    client().workflow.execute<CatchUpOrderIndexWorkflow>(catchUpOrderIndexWorkflowType, {
      workflowId: uniqueId('order-search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });

  it('catches up products whose sync signal never came', async () => {
    // The index is shared with every suite before this one: catch up what they left, so the count below is ours.
    await catchUpProducts();
    const lagging = await Promise.all([createStockedSku(db, 1), createStockedSku(db, 2)]);
    const ids = lagging.map((l) => l.productId);
    const result = await catchUpProducts();
    assert.equal(result.indexed, 2, JSON.stringify(result));
    const rows = await db.selectFrom('products').select(['search_version', 'search_indexed_version']).where('id', 'in', ids).execute();
    assert.deepEqual(rows.map((r) => r.search_indexed_version), rows.map((r) => r.search_version));
    assert.equal(rows.length, 2);
    assert.equal((await indexedDocument(db, es, ids[1]!)).available, 2);
  });

  it('catches up orders whose support-search document lags (changed while search was away), at their latest version', async () => {
    await catchUpOrders();
    const orders = await Promise.all([createOrder(db), createOrder(db)]);
    const ids = orders.map((o) => o.id);
    // A change nobody indexed: the trigger moves the version, the index does not follow.
    await setOrderStatus(db, ids[0]!, { status: 'confirmed' });
    assert.ok((await findStaleOrderIds(db, 10_000)).includes(ids[0]!));

    const result = await catchUpOrders();
    assert.equal(result.indexed, 2, JSON.stringify(result));
    const rows = await db.selectFrom('orders').select(['id', 'status', 'search_version', 'search_indexed_version']).where('id', 'in', ids).execute();
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => r.search_indexed_version), rows.map((r) => r.search_version), JSON.stringify(rows));
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
