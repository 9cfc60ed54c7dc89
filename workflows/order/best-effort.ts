import { log } from '@temporalio/workflow';
import { search } from './order-steps';
import type { TrackedOrder } from './tracked-order';

/** Keeps the order's support-search document current; a miss is noted, never fatal. */
export const indexOrder = (order: TrackedOrder): Promise<void> => bestEffort(order, 'index the order for support search', () => search.indexOrder(order.id));

/**
 * Support finds a rejected order at once. This step also keeps the run from ending in the task
 * that answers checkout: a signal arriving during that task (Stripe sends webhooks for a
 * declined card within a second) makes the server refuse to close the run, and the answer
 * with it, so the storefront would see an error instead of its 402.
 */
export const indexRejectedOrder = (order: TrackedOrder): Promise<void> => indexOrder(order);

/** A step the order does not depend on: its failure is logged and noted on the timeline. */
export async function bestEffort(order: TrackedOrder, step: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    log.warn(`could not ${step}`, { orderId: order.id, error: String(error) });
    order.note(`could not ${step}`);
  }
}
