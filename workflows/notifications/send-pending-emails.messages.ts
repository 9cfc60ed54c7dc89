export interface PendingEmailsSent {
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
}

export const sendPendingEmailsWorkflowType = 'sendPendingEmails';
export type SendPendingEmailsWorkflow = (progress?: PendingEmailsSent) => Promise<PendingEmailsSent>;

/** The schedule that drains the outbox every few seconds; also the id of its runs. */
export const emailSenderScheduleId = 'email-sender';
