import { sql, type Kysely } from 'kysely';
import type { Database, JsonObject, PostalAddress } from './database';

export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'suppressed';

/** A notification a sender holds until its lease ends: it alone tries it now. */
export interface ClaimedNotification {
  id: string;
  recipient: string;
  template: string;
  payload: JsonObject;
  orderId: string | null;
  /** Counting this one. */
  attempts: number;
}

/**
 * Claims up to `limit` due emails for `leaseMs`: one statement takes the rows (SKIP LOCKED, so
 * concurrent senders never take the same row and never wait on each other), counts the attempt
 * and moves next_attempt_at past the lease. A sender that dies mid-send leaves its rows to be
 * claimed again once the lease ends: at least once, never lost.
 */
export async function claimDueNotifications(
  db: Kysely<Database>,
  { limit, leaseMs, exclude = [] }: { limit: number; leaseMs: number; /** Already tried by this caller: a short backoff must not make it due again in the same round. */ exclude?: string[] },
): Promise<ClaimedNotification[]> {
  const { rows } = await sql<{ id: string; recipient: string; template: string; payload: JsonObject; order_id: string | null; attempts: number }>`
    update notifications n
       set attempts = n.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
      from (select id from notifications
             where status = 'pending' and channel = 'email' and next_attempt_at <= now() and id <> all(${exclude}::uuid[])
             order by next_attempt_at
             limit ${limit}
             for update skip locked) due
     where n.id = due.id
    returning n.id, n.recipient, n.template, n.payload, n.order_id, n.attempts
  `.execute(db);
  return rows.map((r) => ({ id: r.id, recipient: r.recipient, template: r.template, payload: r.payload, orderId: r.order_id, attempts: r.attempts }));
}

/** Sent: whoever's claim it was, it is not sent again. */
export async function markNotificationSent(db: Kysely<Database>, id: string, providerMessageId: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set({ status: 'sent', sent_at: sql<Date>`now()`, provider_message_id: providerMessageId, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/**
 * An attempt that did not send: due again after `retryInMs`, or `failed` when that was the last
 * attempt allowed (or `retryInMs` is null: retrying cannot help). Only the claim that made the
 * attempt records it: a row claimed again since (its lease ended) is the newer claim's.
 */
export async function recordNotificationAttemptFailed(
  db: Kysely<Database>,
  { id, attempts }: Pick<ClaimedNotification, 'id' | 'attempts'>,
  { error, retryInMs, maxAttempts }: { error: string; retryInMs: number | null; maxAttempts: number },
): Promise<'retrying' | 'failed'> {
  const giveUp = retryInMs === null || attempts >= maxAttempts;
  await db
    .updateTable('notifications')
    .set({
      last_error: error.slice(0, 2000),
      ...(giveUp ? { status: 'failed' as const } : { next_attempt_at: sql<Date>`now() + ${retryInMs} * interval '1 millisecond'` }),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('attempts', '=', attempts)
    .execute();
  return giveUp ? 'failed' : 'retrying';
}

/** What an order's email shows of it, read when the email is sent. */
export interface NotificationOrder {
  id: string;
  email: string;
  currency: string;
  locale: string | null;
  shippingAddress: PostalAddress;
  items: { productName: string; quantity: number; totalAmount: number }[];
}

export async function findNotificationOrders(db: Kysely<Database>, orderIds: string[]): Promise<Map<string, NotificationOrder>> {
  if (orderIds.length === 0) return new Map();
  const [orders, items] = await Promise.all([
    db.selectFrom('orders').select(['id', 'email', 'currency', 'locale', 'shipping_address']).where('id', 'in', orderIds).execute(),
    db.selectFrom('order_items').select(['order_id', 'product_name', 'quantity', 'total_amount']).where('order_id', 'in', orderIds).orderBy('id').execute(),
  ]);
  return new Map(
    orders.map((o) => [
      o.id,
      {
        id: o.id,
        email: o.email,
        currency: o.currency,
        locale: o.locale,
        shippingAddress: o.shipping_address,
        items: items.filter((i) => i.order_id === o.id).map((i) => ({ productName: i.product_name, quantity: i.quantity, totalAmount: i.total_amount })),
      },
    ]),
  );
}

/** A notification as support sees it. */
export interface NotificationSummary {
  id: string;
  orderId: string | null;
  template: string;
  recipient: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

const summaryColumns = ['id', 'order_id', 'template', 'recipient', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'updated_at', 'sent_at'] as const;

function toSummary(r: { id: string; order_id: string | null; template: string; recipient: string; status: NotificationStatus; attempts: number; last_error: string | null; next_attempt_at: Date; created_at: Date; updated_at: Date; sent_at: Date | null }): NotificationSummary {
  return {
    id: r.id,
    orderId: r.order_id,
    template: r.template,
    recipient: r.recipient,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    sentAt: r.sent_at?.toISOString() ?? null,
  };
}

/** Notifications by status (and order), most recently changed first, with the count of all that match. */
export async function listNotifications(
  db: Kysely<Database>,
  { status, orderId, limit, offset }: { status?: NotificationStatus; orderId?: string; limit: number; offset: number },
): Promise<{ total: number; items: NotificationSummary[] }> {
  let query = db.selectFrom('notifications');
  if (status) query = query.where('status', '=', status);
  if (orderId) query = query.where('order_id', '=', orderId);
  const [rows, count] = await Promise.all([
    query.select(summaryColumns).orderBy('updated_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(count.total), items: rows.map(toSummary) };
}

export async function findNotification(db: Kysely<Database>, id: string): Promise<NotificationSummary | undefined> {
  const row = await db.selectFrom('notifications').select(summaryColumns).where('id', '=', id).executeTakeFirst();
  return row && toSummary(row);
}

/**
 * Support sends a failed notification again: pending, due now, its attempts counted afresh; the
 * retry is audited with the agent and reason in the same transaction. Only a failed one: a sent
 * email is never sent twice by hand, and a pending one is already on its way.
 */
export async function retryFailedNotification(
  db: Kysely<Database>,
  id: string,
  { actor, reason }: { actor: { id: string; role: string }; reason: string },
): Promise<{ outcome: 'retried'; notification: NotificationSummary } | { outcome: 'not-found' } | { outcome: 'not-failed'; status: NotificationStatus }> {
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('notifications').select(['status', 'order_id']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!current) return { outcome: 'not-found' as const };
    if (current.status !== 'failed') return { outcome: 'not-failed' as const, status: current.status };
    const row = await trx
      .updateTable('notifications')
      .set({ status: 'pending', attempts: 0, next_attempt_at: sql<Date>`now()` })
      .where('id', '=', id)
      .returning(summaryColumns)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('support_actions')
      .values({ actor_id: actor.id, actor_role: actor.role, action: 'retry-notification', order_id: current.order_id, target_type: 'notification', target_id: id, reason })
      .execute();
    return { outcome: 'retried' as const, notification: toSummary(row) };
  });
}
