import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { ExpiredReservationActivities, ProductChangeActivities } from '../../activities/inventory/inventory-activities';
import type { SearchActivities } from '../../activities/search/search-activities';
import { readModelRetry, sweepRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';
import type { ReservationSweep } from './release-expired-reservations.messages';

const inventory = proxyActivities<ExpiredReservationActivities>({
  taskQueue: taskQueues.inventory,
  startToCloseTimeout: '2 minutes',
  retry: sweepRetry,
});
// Announcing is a cache and search courtesy: the search catch-up heals a miss, so it must not hold up the sweep.
const announcements = proxyActivities<ProductChangeActivities>({
  taskQueue: taskQueues.inventory,
  startToCloseTimeout: '30 seconds',
  retry: readModelRetry,
});
const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '10 seconds',
  retry: readModelRetry,
});

const BATCH = 100;
const BATCHES_PER_RUN = 20;

const nothingYet: ReservationSweep & { after: string | null } = { after: null, released: 0, ended: 0, kept: 0, escalated: 0 };

/**
 * The safety net for stock that checkout workflows left reserved past its expiry (a workflow
 * terminated, reset or broken): see domain/expired-reservation.ts for what happens to each
 * order. Run on a schedule; orders are walked by id, so the ones left alone are not read twice.
 */
export async function releaseExpiredReservations(progress: ReservationSweep & { after: string | null } = nothingYet): Promise<ReservationSweep> {
  let { after, ...totals } = progress;
  for (let batch = 0; batch < BATCHES_PER_RUN && !workflowInfo().continueAsNewSuggested; batch += 1) {
    const orderIds = await inventory.findOrdersWithExpiredReservations({ after, limit: BATCH });
    if (orderIds.length > 0) {
      const settled = await inventory.settleExpiredReservations(orderIds);
      if (settled.productIds.length > 0) await bestEffort('announce the stock change', () => announcements.productsChanged(settled.productIds));
      // Support search shows the status. Every released order, not just those reported ended: a retried
      // settlement reports an order it ended before its answer was lost as merely released.
      for (const orderId of settled.released) await bestEffort('index the order for support search', () => search.indexOrder(orderId));
      totals = {
        released: totals.released + settled.released.length,
        ended: totals.ended + settled.ended.length,
        kept: totals.kept + settled.kept.length,
        escalated: totals.escalated + settled.escalated.length,
      };
      after = orderIds[orderIds.length - 1]!;
    }
    if (orderIds.length < BATCH) {
      log.info('expired reservations swept', { ...totals });
      return totals;
    }
  }
  return continueAsNew<typeof releaseExpiredReservations>({ after, ...totals });
}

async function bestEffort(step: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    log.warn(`could not ${step}`, { error: String(error) });
  }
}
