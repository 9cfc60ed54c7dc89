import { invalidateProducts } from '../platform/product-cache';
import { signalProductSync } from '../platform/temporal/signal-product-sync';
import type { AppDeps } from './app-deps';

const SIGNAL_DEADLINE_MS = 2_000;

/**
 * After a committed catalog change: drop the cached detail and wake the product's search sync.
 * Both are best effort on purpose: the change is already committed, its search version has
 * moved on, and the scheduled catch-up indexes any product whose signal was lost.
 */
export async function notifyProductsChanged({ redis, temporal, logger }: Pick<AppDeps, 'redis' | 'temporal' | 'logger'>, productIds: string[]): Promise<'signalled' | 'deferred'> {
  const results = await Promise.allSettled([
    invalidateProducts(redis, productIds),
    // An admin should not wait on an outage for something the catch-up will do anyway.
    ...productIds.map((productId) => temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () => signalProductSync(temporal, productId))),
  ]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  for (const failure of failed) logger.warn({ err: failure.reason, productIds }, 'product change not propagated now; the catch-up will');
  return failed.length === 0 ? 'signalled' : 'deferred';
}
