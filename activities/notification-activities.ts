import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

export interface NotificationActivityDeps {
  db: Kysely<Database>;
}

export interface CustomerNotification {
  orderId: string;
  recipient: string;
  template: 'order-confirmed' | 'order-on-hold' | 'order-rejected' | 'order-cancelled';
  payload: Record<string, unknown>;
}

export function createNotificationActivities({ db }: NotificationActivityDeps) {
  return {
    /**
     * Queues an email in the notifications table (the local outbox; a sender delivers it). One
     * per order and template: a retry or a replay never mails the customer twice.
     */
    async notifyCustomer(notification: CustomerNotification): Promise<void> {
      await db
        .insertInto('notifications')
        .values({
          recipient: notification.recipient,
          template: notification.template,
          payload: JSON.stringify(notification.payload),
          dedupe_key: `${notification.orderId}/${notification.template}`,
          order_id: notification.orderId,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
