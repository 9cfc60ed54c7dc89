import assert from 'node:assert/strict';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import { Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { ProductSearchDocument } from '../../db/product-search-documents';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import type { RestockInput } from '../../domain/restock';
import { restockWorkflowId, type RestockWorkflow } from '../../workflows/inventory/restock.messages';
import { WarehouseCode } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import { TEST_WAREHOUSE_CODE, createStockedSku, createTestDb, uniqueId } from '../support/db-fixtures';
import { testConfig, testIndices, testStack, withWorkers } from '../support/test-stack';
import { createTestWorkers, type TestWorkers } from '../support/test-workers';

describe('restock workflow (real Temporal dev server, PostgreSQL, Elasticsearch)', () => {
  let db: Kysely<Database>;
  let es: Elasticsearch;
  const indices = testIndices();

  before(() => {
    db = createTestDb();
    es = createElasticsearch(testConfig().elasticsearch);
  });
  after(async () => {
    await db.destroy();
    await es.close();
  });

  const opened: TestWorkers[] = [];
  after(() => Promise.all(opened.map((w) => w.close())));
  const workers = async (searchEs = es) => {
    const test = await createTestWorkers({ db, es: searchEs });
    opened.push(test);
    return test.workers;
  };

  const startRestock = (input: RestockInput) =>
    testStack().temporal.client.workflow.start<RestockWorkflow>('restock', {
      workflowId: restockWorkflowId(input.receiptId),
      taskQueue: taskQueues.inventory,
      args: [input],
      typedSearchAttributes: [{ key: WarehouseCode, value: input.warehouseCode }],
    });

  const onHand = async (sku: string) =>
    (await db.selectFrom('inventory').select('on_hand').where('sku', '=', sku).executeTakeFirstOrThrow()).on_hand;

  it('receives stock and brings search availability up to date', async () => {
    const { sku, productId } = await createStockedSku(db, 4);
    const receiptId = uniqueId('ASN');

    const outcome = await withWorkers(await workers(), async () => {
      const handle = await startRestock({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 6 }], receivedBy: 'admin-1' });
      return handle.result();
    });

    assert.deepEqual(outcome, {
      status: 'received',
      receiptId,
      warehouseCode: TEST_WAREHOUSE_CODE,
      lines: [{ sku, quantity: 6, onHandAfter: 10 }],
      units: 6,
      indexedProducts: 1,
    });
    assert.equal(await onHand(sku), 10);
    const doc = await es.get<ProductSearchDocument>({ index: indices.products.name, id: productId });
    assert.equal(doc._source?.available, 10);
  });

  it('ends in a rejected outcome, not an exception, for unknown SKUs', async () => {
    const receiptId = uniqueId('ASN');
    const outcome = await withWorkers(await workers(), async () =>
      (await startRestock({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku: 'NOPE', quantity: 1 }], receivedBy: 'a' })).result(),
    );
    assert.equal(outcome.status, 'rejected');
    assert.equal(outcome.status === 'rejected' && outcome.reason.type, 'UnknownSku');
  });

  it('keeps the received stock while search is down, and indexing catches up when it returns', async () => {
    const { sku, productId } = await createStockedSku(db, 1);
    const receiptId = uniqueId('ASN');
    // Nothing listens on port 9 (discard): every indexing attempt fails like an outage.
    const downEs = createElasticsearch({ url: 'http://127.0.0.1:9' });
    const handle = await withWorkers(await workers(downEs), async () => {
      const started = await startRestock({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 2 }], receivedBy: 'a' });
      // Wait until indexing has failed and is being retried, then take the outage away.
      for (;;) {
        const pending = (await started.describe()).raw.pendingActivities ?? [];
        if (pending.some((a) => a.activityType?.name === 'indexProducts' && (a.attempt ?? 0) >= 2)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return started;
    });
    await downEs.close();
    assert.equal(await onHand(sku), 3, 'stock is in although search is down');
    assert.equal((await handle.describe()).status.name, 'RUNNING');

    const outcome = await withWorkers(await workers(), () => handle.result());
    assert.equal(outcome.status, 'received');
    const doc = await es.get<ProductSearchDocument>({ index: indices.products.name, id: productId });
    assert.equal(doc._source?.available, 3);
  });

  it('replays a history recorded in this run', async () => {
    const { sku } = await createStockedSku(db, 0);
    const receiptId = uniqueId('ASN');
    await withWorkers(await workers(), async () =>
      (await startRestock({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 1 }], receivedBy: 'a' })).result(),
    );
    const history = await testStack().temporal.client.workflow.getHandle(restockWorkflowId(receiptId)).fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: testStack().workflowBundle }, history);
  });
});
