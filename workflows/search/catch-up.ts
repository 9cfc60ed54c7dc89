import { proxyActivities } from '@temporalio/workflow';
import type { DocumentsIndexed, SearchActivities } from '../../activities/search/search-activities';
import { untilDoneRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';

export const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '2 minutes',
  retry: untilDoneRetry,
});

const BATCH = 500;
const BATCHES_PER_RUN = 40;

/**
 * Indexes what lags, a batch at a time, until nothing does: `done` when caught up, or `more`
 * when this run did its share and should continue as new. Superseded or missing documents no
 * longer lag; a batch that writes nothing at all would loop, so it fails and retries speak.
 */
export async function indexWhatLags(
  findStale: (limit: number) => Promise<string[]>,
  index: (ids: string[]) => Promise<DocumentsIndexed>,
  indexed: number,
): Promise<{ indexed: number; caughtUp: boolean }> {
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const stale = await findStale(BATCH);
    if (stale.length === 0) return { indexed, caughtUp: true };
    const result = await index(stale);
    indexed += result.indexed;
    if (result.indexed + result.superseded + result.missing === 0) throw new Error(`no stale document among ${stale.length} could be indexed`);
  }
  return { indexed, caughtUp: false };
}
