import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { SearchActivities } from '../../activities/search/search-activities';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';
import type { CatchUpOrderIndexWorkflow } from './catch-up-order-index.messages';

const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '2 minutes',
  retry: untilDoneRetry,
});

const BATCH = 500;
const BATCHES_PER_RUN = 40;

/**
 * Indexes every order whose support-search document lags its database state: orders that
 * changed while Elasticsearch was down, or whose order workflow gave up indexing them. Run on a
 * schedule, so support finds every order within minutes of search coming back.
 */
export async function catchUpOrderIndex(progress: { indexed: number } = { indexed: 0 }): Promise<{ indexed: number }> {
  let { indexed } = progress;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const stale = await search.findStaleOrders(BATCH);
    if (stale.length === 0) {
      log.info('orders index caught up', { indexed });
      return { indexed };
    }
    const result = await search.indexOrders(stale);
    indexed += result.indexed;
    // Superseded or missing orders no longer lag; anything else would loop, so stop and let retries speak.
    if (result.indexed + result.superseded + result.missing === 0) throw new Error('no stale order could be indexed');
  }
  return continueAsNew<CatchUpOrderIndexWorkflow>({ indexed });
}
