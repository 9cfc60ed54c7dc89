import { continueAsNew, log } from '@temporalio/workflow';
import { indexWhatLags, search } from './catch-up';
import type { CatchUpSearchIndexWorkflow } from './catch-up-search-index.messages';

/**
 * Indexes every product whose search document lags its database state (search_indexed_version
 * below search_version): after a seed, a bulk category move, or a change whose sync signal was
 * lost because Temporal was unreachable. Run on a schedule and on demand.
 */
export async function catchUpSearchIndex(progress: { indexed: number } = { indexed: 0 }): Promise<{ indexed: number }> {
  const { indexed, caughtUp } = await indexWhatLags(search.findStaleProducts, search.indexProducts, progress.indexed);
  if (!caughtUp) return continueAsNew<CatchUpSearchIndexWorkflow>({ indexed });
  log.info('search index caught up', { indexed });
  return { indexed };
}
