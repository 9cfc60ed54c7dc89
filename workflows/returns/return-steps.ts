import { proxyActivities } from '@temporalio/workflow';
import type { InventoryActivities, ProductChangeActivities } from '../../activities/inventory/inventory-activities';
import type { ReturnActivities } from '../../activities/returns/return-activities';
import type { SearchActivities } from '../../activities/search/search-activities';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

/** The return's own steps: its row, the carrier, the outbox and the stock, with the restock's retry budget. */
export const returns = proxyActivities<ReturnActivities & Pick<InventoryActivities & ProductChangeActivities, 'invalidateProductCache'>>({
  taskQueue: taskQueues.inventory,
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['inspection-mismatch'] },
});

// The stock is already back when search is reindexed: indexing keeps retrying until Elasticsearch is.
export const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '30 seconds',
  retry: untilDoneRetry,
});

// The order may be busy or its worker away: asking keeps trying, and the order answers a repeated ask with the same refund.
export const orderRefunds = proxyActivities<Pick<ReturnActivities, 'requestOrderRefund'>>({
  taskQueue: taskQueues.inventory,
  startToCloseTimeout: '1 minute',
  retry: untilDoneRetry,
});
