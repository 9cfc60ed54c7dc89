import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { sendDueEmails, type EmailSender } from './send-due-emails';

export interface NotificationActivityDeps {
  db: Kysely<Database>;
  email: EmailSender;
}

export function createNotificationActivities({ db, email }: NotificationActivityDeps) {
  return {
    /** Drains the outbox's due emails to SMTP (see send-due-emails.ts); safe to run on many workers at once. */
    sendDueEmails: (input: { concurrency?: number; budgetMs?: number } = {}) => sendDueEmails(db, email, input),
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
