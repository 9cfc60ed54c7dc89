import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { claimDueNotifications, findNotificationOrders, markNotificationSent, recordNotificationAttemptFailed, type ClaimedNotification, type NotificationOrder } from '../../db/notifications';
import type { EmailConfig } from '../../platform/config';
import { emailLocale } from './email-format';
import { addressOf, isPermanentSmtpRefusal, type MailTransport } from './mail-transport';
import { renderEmail, UnrenderableEmail, type EmailContext } from './render-email';

export interface EmailSender extends Omit<EmailConfig, 'smtpUrl'> {
  /** Absent without SMTP_URL: nothing is claimed, the outbox waits. */
  transport?: MailTransport;
}

export interface EmailsSent {
  /** Claimed and attempted. */
  attempted: number;
  sent: number;
  /** Not sent this time, due again after their backoff. */
  retrying: number;
  /** Given up on: out of attempts, or unsendable (an unknown template, a payload or recipient that cannot be right). */
  failed: number;
  /** The time budget ran out with emails still due. */
  more: boolean;
}

/** How long a claim holds a row: well past one send's worst case (connection, greeting and socket timeouts). */
export const EMAIL_LEASE_MS = 5 * 60_000;

/** The wait after the n-th failed attempt: doubling from the first, at most the last. */
export const emailRetryDelay = (attempts: number, { initialMs, maxMs }: EmailConfig['retry']): number => Math.min(maxMs, initialMs * 2 ** Math.max(0, attempts - 1));

/** The Message-ID of a notification's email, the same on every attempt: a receiver that saw it already drops the copy. */
export const notificationMessageId = (notificationId: string, from: string): string => `<notification-${notificationId}@${addressOf(from).split('@')[1] ?? 'localhost'}>`;

const ONE_ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/**
 * Sends what the outbox holds that is due, a few at a time, until none is due or `budgetMs` is
 * spent; each email at most once per round, so a short backoff never spends its attempts at once. Each email goes to its notification's recipient alone (the database holds that to be the
 * order's contact email), with a Message-ID derived from the notification id.
 */
export async function sendDueEmails(
  db: Kysely<Database>,
  sender: EmailSender,
  { concurrency = 5, budgetMs = 60_000 }: { concurrency?: number; budgetMs?: number } = {},
): Promise<EmailsSent> {
  const result: EmailsSent = { attempted: 0, sent: 0, retrying: 0, failed: 0, more: false };
  const { transport } = sender;
  // Without SMTP_URL (the worker said so at start) the emails wait in the outbox.
  if (!transport) return result;
  const deadline = Date.now() + budgetMs;
  const tried: string[] = [];
  for (;;) {
    if (Date.now() >= deadline) {
      result.more = true;
      break;
    }
    const claimed = await claimDueNotifications(db, { limit: concurrency, leaseMs: EMAIL_LEASE_MS, exclude: tried });
    if (claimed.length === 0) break;
    tried.push(...claimed.map((n) => n.id));
    const orders = await findNotificationOrders(db, [...new Set(claimed.flatMap((n) => (n.orderId ? [n.orderId] : [])))]);
    const outcomes = await Promise.all(claimed.map((notification) => sendOne(db, sender, transport, notification, notification.orderId ? orders.get(notification.orderId) : undefined)));
    for (const outcome of outcomes) result[outcome] += 1;
    result.attempted += claimed.length;
    if (claimed.length < concurrency) break;
  }
  if (result.attempted > 0) log.info('emails sent from the outbox', { ...result });
  return result;
}

async function sendOne(db: Kysely<Database>, sender: EmailSender, transport: MailTransport, notification: ClaimedNotification, order: NotificationOrder | undefined): Promise<'sent' | 'retrying' | 'failed'> {
  const giveUp = (error: string) => recordNotificationAttemptFailed(db, notification, { error, retryInMs: null, maxAttempts: sender.maxAttempts });
  // The database refuses any other recipient for an order's notification; checked again here, at the last moment.
  if (!ONE_ADDRESS.test(notification.recipient) || (order && order.email !== notification.recipient)) {
    log.error('notification not addressed to its order\'s contact email alone; not sent', { notificationId: notification.id, orderId: notification.orderId });
    return giveUp('the recipient is not the order\'s contact email alone');
  }
  if (notification.orderId && !order) return giveUp('the order does not exist');
  let email: ReturnType<typeof renderEmail>;
  let locale: string;
  try {
    locale = order ? emailLocale(order.locale, order.shippingAddress.country) : emailLocale(typeof notification.payload.locale === 'string' ? notification.payload.locale : null, null);
    const context: EmailContext = { locale, ...(order && { order: { id: order.id, currency: order.currency, name: order.shippingAddress.name, items: order.items } }) };
    email = renderEmail(notification.template, notification.payload, context);
  } catch (error) {
    if (!(error instanceof UnrenderableEmail)) throw error;
    log.error('notification cannot be rendered; marked failed', { notificationId: notification.id, template: notification.template, error: error.message });
    return giveUp(error.message);
  }
  const messageId = notificationMessageId(notification.id, sender.from);
  try {
    await transport.send({ messageId, from: sender.from, to: notification.recipient, locale, ...email });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const retryInMs = isPermanentSmtpRefusal(error) ? null : emailRetryDelay(notification.attempts, sender.retry);
    const outcome = await recordNotificationAttemptFailed(db, notification, { error: message, retryInMs, maxAttempts: sender.maxAttempts });
    log.warn('email not sent', { notificationId: notification.id, attempts: notification.attempts, outcome, error: message });
    return outcome;
  }
  await markNotificationSent(db, notification.id, messageId);
  return 'sent';
}
