import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, PaymentProvider, PaymentRow, PaymentStatus } from './database';

type Db = Kysely<Database> | Transaction<Database>;

/** Statuses in which a payment may still hold money that a compensation must release. */
export const cancellablePaymentStatuses = ['pending', 'requires_action', 'authorized'] as const satisfies readonly PaymentStatus[];
const awaitingProvider = ['pending', 'requires_action'] as const satisfies readonly PaymentStatus[];

// A fixed namespace for name-based (RFC 9562 version 5) payment ids; changing it would orphan every row.
const PAYMENT_ID_NAMESPACE = Buffer.from('6f0b7c2e1d8a4e5f9b3c0a7d2e4f6a81', 'hex');

/**
 * One payment per provider attempt: its id is derived from the attempt's idempotency key, so a
 * retried activity finds the row it wrote before instead of adding another, with no extra column.
 */
export function paymentIdFor(idempotencyKey: string): string {
  const hash = createHash('sha1').update(PAYMENT_ID_NAMESPACE).update(idempotencyKey, 'utf8').digest().subarray(0, 16);
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface NewPayment {
  id: string;
  orderId: string;
  provider: PaymentProvider;
  currency: string;
}

/** Writes the attempt's row before the provider is called (so a webhook can already link to it); idempotent. */
export async function insertPendingPayment(db: Db, payment: NewPayment): Promise<PaymentRow> {
  await db
    .insertInto('payments')
    .values({ id: payment.id, order_id: payment.orderId, provider: payment.provider, currency: payment.currency, status: 'pending' })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  return db.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow();
}

export async function findPayment(db: Db, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPaymentByExternalId(db: Db, provider: PaymentProvider, externalId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('provider', '=', provider).where('external_id', '=', externalId).executeTakeFirst();
}

/** The order's payments that may still hold money, oldest first. */
export async function findCancellablePayments(db: Db, orderId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', cancellablePaymentStatuses)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Records the provider's authorization. Only a payment still waiting for the provider moves on:
 * undefined means it did not (it was cancelled meanwhile, or another attempt already recorded it).
 */
export async function markPaymentAuthorized(
  db: Db,
  id: string,
  authorization: { externalId: string; amount: number; expiresAt: Date | null },
): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({
      status: 'authorized',
      external_id: authorization.externalId,
      authorized_amount: authorization.amount,
      authorization_expires_at: authorization.expiresAt,
      failure_code: null,
      failure_message: null,
    })
    .where('id', '=', id)
    .where('status', 'in', awaitingProvider)
    .returningAll()
    .executeTakeFirst();
}

export async function markPaymentFailed(
  db: Db,
  id: string,
  failure: { externalId: string | null; code: string; message: string },
): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({
      status: 'failed',
      ...(failure.externalId !== null && { external_id: failure.externalId }),
      failure_code: failure.code,
      failure_message: failure.message.slice(0, 1000),
    })
    .where('id', '=', id)
    .where('status', 'in', awaitingProvider)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Marks a payment cancelled, keeping what was authorized as history (captured stays 0, so the
 * amount rules hold). A pending payment is cancelled too: an authorization that completes later
 * finds it cancelled and releases itself.
 */
export async function markPaymentCancelled(db: Db, id: string, externalId?: string): Promise<PaymentRow | undefined> {
  return db
    .updateTable('payments')
    .set({ status: 'cancelled', ...(externalId !== undefined && { external_id: externalId }) })
    .where('id', '=', id)
    .where('status', 'in', cancellablePaymentStatuses)
    .returningAll()
    .executeTakeFirst();
}

/** Keeps the provider's id of an authorization that was released because its payment had been cancelled meanwhile. */
export async function recordReleasedAuthorization(db: Db, id: string, externalId: string): Promise<void> {
  await db.updateTable('payments').set({ external_id: externalId }).where('id', '=', id).where('status', '=', 'cancelled').where('external_id', 'is', null).execute();
}
