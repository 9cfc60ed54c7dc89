import { log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { InventoryActivities, ProductChangeActivities } from '../../activities/inventory/inventory-activities';
import type { SearchActivities } from '../../activities/search/search-activities';
import { asBusinessFailure } from '../../domain/business-failure';
import { totalUnits, type RestockInput, type RestockOutcome } from '../../domain/restock';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

const inventory = proxyActivities<InventoryActivities & ProductChangeActivities>({
  taskQueue: taskQueues.inventory,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20 },
});

// Search being down must never lose a receipt: the stock is already in, so indexing keeps
// retrying (no attempt limit) until Elasticsearch is back, and the run stays visible meanwhile.
const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '30 seconds',
  retry: untilDoneRetry,
});

/**
 * restock-<receiptId>: receive a delivery into a warehouse, bring search availability up to date,
 * then tell the customers waiting for a SKU it brought back.
 */
export async function restock(input: RestockInput): Promise<RestockOutcome> {
  const { receiptId, warehouseCode } = input;
  let received;
  try {
    received = await inventory.receiveStock(input);
  } catch (error) {
    const reason = asBusinessFailure(error);
    if (!reason) throw error;
    log.warn('receipt rejected', { receiptId, reason: reason.type });
    return { status: 'rejected', receiptId, reason };
  }
  // Added after runs were recorded: older histories replay without this step.
  if (patched('invalidate-product-cache')) await inventory.invalidateProductCache(received.productIds);
  const indexed = await search.indexProducts(received.productIds);
  // Added after runs were recorded: older histories replay without this step.
  if (patched('notify-back-in-stock')) {
    await inventory.notifyBackInStock({ receiptId, warehouseCode, skus: received.lines.map((line) => line.sku) });
  }
  log.info('restock complete', { receiptId, workflowId: workflowInfo().workflowId, indexed: indexed.indexed });
  return {
    status: 'received',
    receiptId,
    warehouseCode,
    lines: received.lines,
    units: totalUnits(received.lines),
    indexedProducts: indexed.indexed + indexed.superseded,
  };
}
