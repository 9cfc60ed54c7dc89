import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { subscribeBackInStock } from '../../db/back-in-stock';
import type { Database } from '../../db/database';
import { setLowStockThreshold } from '../../db/low-stock';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { reserveStock } from '../../db/reservations';
import type { RestockInput } from '../../domain/restock';
import { restockWorkflowId, type RestockWorkflow } from '../../workflows/inventory/restock.messages';
import { WarehouseCode } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import { createOrder, createStockedSku, createTestDb, TEST_WAREHOUSE_CODE, uniqueId } from '../support/db-fixtures';
import { testStack, withWorkers } from '../support/test-stack';
import { createTestWorkers, type TestWorkers } from '../support/test-workers';

describe('restock tells back-in-stock subscribers and re-arms low-stock alerts (real Temporal dev server, PostgreSQL, Elasticsearch)', () => {
  let db: Kysely<Database>;
  before(() => {
    db = createTestDb();
  });
  after(() => db.destroy());
  const opened: TestWorkers[] = [];
  after(() => Promise.all(opened.map((w) => w.close())));

  const restock = (input: RestockInput) =>
    testStack().temporal.client.workflow.start<RestockWorkflow>('restock', {
      workflowId: restockWorkflowId(input.receiptId),
      taskQueue: taskQueues.inventory,
      args: [input],
      typedSearchAttributes: [{ key: WarehouseCode, value: input.warehouseCode }],
    });
  const subscribe = async (sku: string, customerSubject: string) => {
    const result = await subscribeBackInStock(db, { sku, customerSubject, email: `${customerSubject}@example.com` });
    assert.equal(result.kind, 'subscribed');
  };
  const emailsFor = (sku: string) =>
    db
      .selectFrom('notifications')
      .select(['recipient', 'dedupe_key', 'payload'])
      .where('template', '=', 'back-in-stock')
      .where((eb) => eb(eb.ref('payload', '->>').key('sku'), '=', sku))
      .orderBy('recipient')
      .execute();

  it('queues one email per subscriber, once, although the activity is retried after its answer was lost', async () => {
    const { sku } = await createStockedSku(db, 0);
    const stillOut = await createStockedSku(db, 0);
    for (const customer of ['cust-a', 'cust-b', 'cust-c']) await subscribe(sku, customer);
    await subscribe(sku, 'cust-a'); // asked twice: one subscription
    await subscribe(stillOut.sku, 'cust-a');
    // Sold out, so below its threshold; the restock brings it back above.
    await setLowStockThreshold(db, { warehouseCode: TEST_WAREHOUSE_CODE, sku, threshold: 5 });

    let attempts = 0;
    const workers = await createTestWorkers({
      activityOverrides: (real) => ({
        notifyBackInStock: async (input: Parameters<typeof real.inventory.notifyBackInStock>[0]) => {
          attempts += 1;
          const result = await real.inventory.notifyBackInStock(input);
          if (attempts === 1) throw ApplicationFailure.retryable('injected: the answer was lost after the emails were queued', 'InjectedFault');
          return result;
        },
      }),
    });
    opened.push(workers);
    const receiptId = uniqueId('ASN');
    const secondReceipt = uniqueId('ASN');
    const [outcome, second] = await withWorkers(workers.workers, async () => {
      const first = await (await restock({ receiptId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 6 }], receivedBy: 'admin-1' })).result();
      // A second restock of the same SKU finds nobody waiting.
      const again = await (await restock({ receiptId: secondReceipt, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity: 1 }], receivedBy: 'admin-1' })).result();
      return [first, again];
    });
    assert.deepEqual([outcome.status, second.status], ['received', 'received']);
    assert.equal(attempts, 3, 'the first restock ran the activity again after the lost answer, the second once');

    const emails = await emailsFor(sku);
    assert.deepEqual(
      emails.map((e) => e.recipient),
      ['cust-a@example.com', 'cust-b@example.com', 'cust-c@example.com'],
    );
    assert.ok(emails.every((e) => (e.payload as { receiptId: string; available: number }).receiptId === receiptId));
    assert.ok(emails.every((e) => (e.payload as { available: number }).available === 6), 'told by the first restock');
    const subscriptions = await db.selectFrom('back_in_stock_subscriptions').select(['status', 'notified_by_receipt']).where('sku', '=', sku).execute();
    assert.deepEqual(subscriptions.map((s) => [s.status, s.notified_by_receipt]), Array(3).fill(['notified', receiptId]));
    assert.deepEqual(await emailsFor(stillOut.sku), []);

    // Re-armed by the restock: the next reservation across the threshold (7 on hand, 4 left) alerts ops.
    const row = await db.selectFrom('inventory').select(['low_stock_alerted']).where('sku', '=', sku).executeTakeFirstOrThrow();
    assert.equal(row.low_stock_alerted, false);
    const order = await createOrder(db);
    const warehouse = await db.selectFrom('warehouses').select('id').where('code', '=', TEST_WAREHOUSE_CODE).executeTakeFirstOrThrow();
    assert.equal((await reserveStock(db, order.id, [{ sku, warehouseId: warehouse.id, quantity: 3 }], new Date(Date.now() + 60_000))).kind, 'reserved');
    const alerts = await db.selectFrom('notifications').select('dedupe_key').where('template', '=', 'low-stock').where((eb) => eb(eb.ref('payload', '->>').key('sku'), '=', sku)).execute();
    assert.deepEqual(alerts, [{ dedupe_key: `low-stock/${TEST_WAREHOUSE_CODE}/${sku}/1` }]);

    assert.deepEqual(await findInventoryDrift(db, { skus: [sku, stillOut.sku] }), []);
  });
});
