import type { AppDeps } from './app-deps';
import { invalidateProducts } from '../platform/product-cache';
import {
  productChanged,
  productSyncWorkflowId,
  syncProductSearchWorkflowType,
  type SyncProductSearchWorkflow,
} from '../workflows/sync-product-search.messages';
import { taskQueues } from '../workflows/task-queues';

const SIGNAL_DEADLINE_MS = 2_000;

/**
 * After a committed catalog change: drop the cached detail and wake the product's search sync.
 * Both are best effort on purpose: the change is already committed, its search version has
 * moved on, and the scheduled catch-up indexes any product whose signal was lost.
 */
export async function notifyProductsChanged({ redis, temporal, logger }: Pick<AppDeps, 'redis' | 'temporal' | 'logger'>, productIds: string[]): Promise<'signalled' | 'deferred'> {
  const results = await Promise.allSettled([
    invalidateProducts(redis, productIds),
    ...productIds.map((productId) =>
      // An admin should not wait on an outage for something the catch-up will do anyway.
      temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        temporal.workflow.signalWithStart<SyncProductSearchWorkflow>(syncProductSearchWorkflowType, {
          workflowId: productSyncWorkflowId(productId),
          taskQueue: taskQueues.search,
          args: [productId],
          signal: productChanged,
          staticSummary: `Search sync for product ${productId}`,
        }),
      ),
    ),
  ]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const failure of failed) logger.warn({ err: failure.reason, productIds }, 'product change not propagated now; the catch-up will');
  return failed.length === 0 ? 'signalled' : 'deferred';
}
