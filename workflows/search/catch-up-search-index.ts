import { continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { SearchActivities } from '../../activities/search/search-activities';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '2 minutes',
  retry: untilDoneRetry,
});

const BATCH = 500;
const BATCHES_PER_RUN = 40;

/**
 * Indexes every product whose search document lags its database state (search_indexed_version
 * below search_version): after a seed, a bulk category move, or a change whose sync signal was
 * lost because Temporal was unreachable. Run on a schedule and on demand.
 */
export async function catchUpSearchIndex(progress: { indexed: number } = { indexed: 0 }): Promise<{ indexed: number }> {
  let { indexed } = progress;
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const stale = await search.findStaleProducts(BATCH);
    if (stale.length === 0) {
      log.info('search index caught up', { indexed });
      return { indexed };
    }
    const result = await search.indexProducts(stale);
    indexed += result.indexed;
    // Superseded or missing products no longer lag; anything else would loop, so stop and let retries speak.
    if (result.indexed + result.superseded + result.missing === 0) throw new Error('no stale product could be indexed');
  }
  return continueAsNew<typeof catchUpSearchIndex>({ indexed });
}
