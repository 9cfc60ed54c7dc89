import { continueAsNew, log } from '@temporalio/workflow';
import { indexWhatLags, search } from './catch-up';
import type { CatchUpOrderIndexWorkflow } from './catch-up-order-index.messages';

/**
 * Indexes every order whose support-search document lags its database state: orders that
 * changed while Elasticsearch was down, or whose order workflow gave up indexing them. Run on a
 * schedule, so support finds every order within minutes of search coming back.
 */
export async function catchUpOrderIndex(progress: { indexed: number } = { indexed: 0 }): Promise<{ indexed: number }> {
  const { indexed, caughtUp } = await indexWhatLags(search.findStaleOrders, search.indexOrders, progress.indexed);
  if (!caughtUp) return continueAsNew<CatchUpOrderIndexWorkflow>({ indexed });
  log.info('orders index caught up', { indexed });
  return { indexed };
}
