import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PaymentEventActivities } from '../../activities/payments/payment-activities';
import { sweepRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';
import type { PaymentEventRedelivery } from './redeliver-payment-events.messages';

const payments = proxyActivities<PaymentEventActivities>({
  taskQueue: taskQueues.orders,
  startToCloseTimeout: '2 minutes',
  // No attempt limit: events wait in the database until Temporal takes signals again.
  retry: sweepRetry,
});

/** The webhook signals within 2 seconds or leaves the event stored; a minute keeps well clear of it. */
export const REDELIVERY_GRACE_SECONDS = 60;
const BATCH = 100;
const BATCHES_PER_RUN = 50;

/**
 * Delivers stored payment events whose webhook could not signal the order workflow (Temporal
 * unreachable, or the workflow not there yet) and that arrived after the workflow read the
 * stored ones. Run on a schedule.
 */
export async function redeliverPaymentEvents(progress: PaymentEventRedelivery = { delivered: 0, undeliverable: 0 }): Promise<PaymentEventRedelivery> {
  let { delivered, undeliverable } = progress;
  for (let batch = 0; batch < BATCHES_PER_RUN && !workflowInfo().continueAsNewSuggested; batch += 1) {
    const result = await payments.deliverStoredPaymentEvents({ graceSeconds: REDELIVERY_GRACE_SECONDS, limit: BATCH });
    delivered += result.delivered;
    undeliverable += result.undeliverable;
    if (result.found < BATCH) {
      log.info('stored payment events redelivered', { delivered, undeliverable });
      return { delivered, undeliverable };
    }
  }
  return continueAsNew<typeof redeliverPaymentEvents>({ delivered, undeliverable });
}
