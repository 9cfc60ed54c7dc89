import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { NotificationActivities } from '../../activities/notifications/notification-activities';
import { sweepRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';
import type { PendingEmailsSent } from './send-pending-emails.messages';

const notifications = proxyActivities<NotificationActivities>({
  taskQueue: taskQueues.notifications,
  // A round sends for at most a minute; each send has its own SMTP timeouts.
  startToCloseTimeout: '5 minutes',
  // The database away is the only way a round fails: the emails wait in the outbox, nothing is lost.
  retry: sweepRetry,
});

const ROUNDS_PER_RUN = 30;

/**
 * Sends the outbox's due emails. Run on a schedule; each round claims and sends until none is due
 * or its minute is spent, so a backlog keeps one run busy (and the schedule skips) until it is gone.
 */
export async function sendPendingEmails(progress: PendingEmailsSent = { attempted: 0, sent: 0, retrying: 0, failed: 0 }): Promise<PendingEmailsSent> {
  const total = { ...progress };
  for (let round = 0; round < ROUNDS_PER_RUN && !workflowInfo().continueAsNewSuggested; round += 1) {
    const { more, ...counts } = await notifications.sendDueEmails({});
    total.attempted += counts.attempted;
    total.sent += counts.sent;
    total.retrying += counts.retrying;
    total.failed += counts.failed;
    if (!more) {
      if (total.attempted > 0) log.info('outbox drained', { ...total });
      return total;
    }
  }
  return continueAsNew<typeof sendPendingEmails>(total);
}
