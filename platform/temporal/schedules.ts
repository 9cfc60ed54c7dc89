import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleOptions } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { catchUpOrderIndexWorkflowType, orderSearchCatchUpScheduleId } from '../../workflows/search/catch-up-order-index.messages';
import { catchUpSearchIndexWorkflowType, searchCatchUpScheduleId } from '../../workflows/search/catch-up-search-index.messages';
import { paymentEventRedeliveryScheduleId, redeliverPaymentEventsWorkflowType } from '../../workflows/housekeeping/redeliver-payment-events.messages';
import { expiredReservationSweepScheduleId, releaseExpiredReservationsWorkflowType } from '../../workflows/housekeeping/release-expired-reservations.messages';
import { emailSenderScheduleId, sendPendingEmailsWorkflowType } from '../../workflows/notifications/send-pending-emails.messages';
import { taskQueues } from '../../workflows/shared/task-queues';

export type ScheduleDefinition = Pick<ScheduleOptions, 'scheduleId' | 'spec' | 'policies' | 'action'>;

/** Runs that find nothing to do are cheap; a run still busy when the next is due makes it skip. */
const everyWithoutOverlap = (every: Duration): Pick<ScheduleDefinition, 'spec' | 'policies'> => ({
  spec: { intervals: [{ every }] },
  policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: every },
});

/** How far search availability may trail a checkout; the API documents this same value. */
export const SEARCH_CATCH_UP_EVERY = '30 seconds';

/** How long a queued email may wait before the sender looks for it. */
export const EMAIL_SENDER_EVERY = '10 seconds';

/** Every schedule of the namespace; scripts/setup-temporal.ts applies them. */
export const schedules: readonly ScheduleDefinition[] = [
  {
    scheduleId: searchCatchUpScheduleId,
    // Catalog edits wake their product's sync at once. Stock moved by orders is indexed here, many
    // products per bulk write, so search availability lags a checkout by at most this much; this
    // also heals syncs whose signal was lost.
    ...everyWithoutOverlap(SEARCH_CATCH_UP_EVERY),
    action: {
      type: 'startWorkflow',
      workflowType: catchUpSearchIndexWorkflowType,
      workflowId: searchCatchUpScheduleId,
      taskQueue: taskQueues.search,
      args: [],
      staticSummary: 'Index products whose search document lags the database',
    },
  },
  {
    scheduleId: orderSearchCatchUpScheduleId,
    // Each order indexes itself as it changes; this heals the ones written while search was away.
    ...everyWithoutOverlap('1 minute'),
    action: {
      type: 'startWorkflow',
      workflowType: catchUpOrderIndexWorkflowType,
      workflowId: orderSearchCatchUpScheduleId,
      taskQueue: taskQueues.search,
      args: [],
      staticSummary: 'Index orders whose support-search document lags the database',
    },
  },
  {
    scheduleId: paymentEventRedeliveryScheduleId,
    // A payment event the workflow waits for (e.g. a capture confirmation) should not wait long.
    ...everyWithoutOverlap('1 minute'),
    action: {
      type: 'startWorkflow',
      workflowType: redeliverPaymentEventsWorkflowType,
      workflowId: paymentEventRedeliveryScheduleId,
      taskQueue: taskQueues.orders,
      args: [],
      staticSummary: 'Deliver stored payment events whose signal to the order workflow failed',
    },
  },
  {
    scheduleId: expiredReservationSweepScheduleId,
    // Reservations expire after days; five minutes late is nothing, and each run asks Temporal about every expired order.
    ...everyWithoutOverlap('5 minutes'),
    action: {
      type: 'startWorkflow',
      workflowType: releaseExpiredReservationsWorkflowType,
      workflowId: expiredReservationSweepScheduleId,
      taskQueue: taskQueues.inventory,
      args: [],
      staticSummary: 'Release expired stock reservations that no running order workflow owns',
    },
  },
  {
    scheduleId: emailSenderScheduleId,
    // A customer expects the confirmation within moments of checkout; a run that finds nothing due
    // is one indexed query. A backlog keeps a run busy and the schedule skips meanwhile.
    ...everyWithoutOverlap(EMAIL_SENDER_EVERY),
    action: {
      type: 'startWorkflow',
      workflowType: sendPendingEmailsWorkflowType,
      workflowId: emailSenderScheduleId,
      taskQueue: taskQueues.notifications,
      args: [],
      staticSummary: 'Send the emails due in the notifications outbox',
    },
  },
];

/**
 * Creates each schedule, or brings an existing one to its definition (its paused state and
 * notes stay as an operator left them). Idempotent; returns whether each was created.
 */
export async function ensureSchedules(client: Client, definitions: readonly ScheduleDefinition[] = schedules): Promise<{ scheduleId: string; created: boolean }[]> {
  const results: { scheduleId: string; created: boolean }[] = [];
  for (const definition of definitions) results.push({ scheduleId: definition.scheduleId, created: await ensureSchedule(client, definition) });
  return results;
}

async function ensureSchedule(client: Client, { scheduleId, spec, policies, action }: ScheduleDefinition): Promise<boolean> {
  try {
    await client.schedule.create({ scheduleId, spec, policies, action });
    return true;
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies: { ...previous.policies, ...policies } }));
    return false;
  }
}
