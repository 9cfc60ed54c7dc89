import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { SearchActivities } from '../../activities/search/search-activities';
import { productChanged } from './sync-product-search.messages';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '30 seconds',
  // No attempt limit: the index must catch up whenever Elasticsearch comes back.
  retry: untilDoneRetry,
});

/** Rapid edits (a price, then a description, then stock) land inside this window and cost one write. */
export const COALESCE_WINDOW = '500 milliseconds';
/** A sync run lives while changes keep coming and ends after this long without one. */
export const IDLE_TIMEOUT = '1 minute';
const MAX_WRITES_PER_RUN = 500;

/**
 * product-sync-<productId>: keeps one product's search document current. Started or
 * signalled with `productChanged`; each write carries the product's search_version, so a late
 * or repeated write can never roll the document back.
 */
export async function syncProductSearch(productId: string, state: { pending: boolean } = { pending: true }): Promise<{ writes: number }> {
  let pending = state.pending;
  setHandler(productChanged, () => {
    pending = true;
  });

  let writes = 0;
  while (await condition(() => pending, IDLE_TIMEOUT)) {
    await sleep(COALESCE_WINDOW);
    pending = false;
    await search.indexProducts([productId]);
    writes += 1;
    if (writes >= MAX_WRITES_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof syncProductSearch>(productId, { pending });
    }
  }
  await condition(allHandlersFinished);
  return { writes };
}
