import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database, PaymentLedgerRow, PaymentProvider, PaymentRow, PaymentStatus } from './database';
import { appendLedgerEntry, findLedgerEntry } from './payment-ledger';

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
 * Records the provider's authorization, and appends it to the ledger (which sets
 * authorized_amount) in the same transaction. Only a payment still waiting for the provider
 * moves on: undefined means it did not (it was cancelled meanwhile, or another attempt already
 * recorded it).
 */
export async function markPaymentAuthorized(
  db: Kysely<Database>,
  id: string,
  authorization: { externalId: string; amount: number; expiresAt: Date | null; multicapture: boolean; idempotencyKey: string },
): Promise<PaymentRow | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('payments')
      .set({
        status: 'authorized',
        external_id: authorization.externalId,
        authorization_expires_at: authorization.expiresAt,
        multicapture: authorization.multicapture,
        failure_code: null,
        failure_message: null,
      })
      .where('id', '=', id)
      .where('status', 'in', awaitingProvider)
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    await appendLedgerEntry(trx, {
      paymentId: id,
      orderId: row.order_id,
      kind: 'authorized',
      amount: authorization.amount,
      currency: row.currency,
      providerReference: authorization.externalId,
      idempotencyKey: authorization.idempotencyKey,
    });
    return findPayment(trx, id);
  });
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
 * amount rules hold), and appends the released hold to the ledger in the same transaction. A
 * pending payment is cancelled too (nothing was held, so nothing is appended): an authorization
 * that completes later finds it cancelled and releases itself.
 */
export async function markPaymentCancelled(
  db: Kysely<Database>,
  id: string,
  cancellation: { externalId?: string; idempotencyKey: string },
): Promise<PaymentRow | undefined> {
  const { externalId, idempotencyKey } = cancellation;
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('payments')
      .set({ status: 'cancelled', ...(externalId !== undefined && { external_id: externalId }) })
      .where('id', '=', id)
      .where('status', 'in', cancellablePaymentStatuses)
      .returningAll()
      .executeTakeFirst();
    const released = row ? row.authorized_amount - row.captured_amount : 0;
    if (row && released > 0) {
      await appendLedgerEntry(trx, {
        paymentId: id,
        orderId: row.order_id,
        kind: 'cancelled',
        amount: released,
        currency: row.currency,
        providerReference: row.external_id,
        idempotencyKey,
      });
    }
    return row;
  });
}

/** Statuses from which a capture may take money. */
export const capturablePaymentStatuses = ['authorized', 'partially_captured'] as const satisfies readonly PaymentStatus[];

export interface CaptureRecord {
  paymentId: string;
  amount: number;
  providerReference: string;
  idempotencyKey: string;
  /** The last capture of the authorization: the provider released the rest of the hold. */
  finalCapture: boolean;
}

/**
 * Appends the provider's capture to the ledger (which raises captured_amount) and moves the
 * payment's status, in one transaction. The same key appends nothing the second time; the
 * database refuses a capture beyond what was authorized.
 */
export async function recordCapture(db: Kysely<Database>, capture: CaptureRecord): Promise<{ entry: PaymentLedgerRow; payment: PaymentRow }> {
  return db.transaction().execute(async (trx) => {
    const payment = await trx.selectFrom('payments').selectAll().where('id', '=', capture.paymentId).forUpdate().executeTakeFirstOrThrow();
    const appended = await appendLedgerEntry(trx, {
      paymentId: payment.id,
      orderId: payment.order_id,
      kind: 'captured',
      amount: capture.amount,
      currency: payment.currency,
      providerReference: capture.providerReference,
      idempotencyKey: capture.idempotencyKey,
    });
    if (appended) {
      await trx
        .updateTable('payments')
        .set((eb) => ({
          status: eb
            .case()
            .when(eb.or([eb.val(capture.finalCapture), eb('captured_amount', '=', eb.ref('authorized_amount'))]))
            // The last capture: what was refunded while captures were still owed now shows.
            .then(eb.case().when('refunded_amount', '=', 0).then('captured' as const).when('refunded_amount', '=', eb.ref('captured_amount')).then('refunded' as const).else('partially_refunded' as const).end())
            .else('partially_captured' as const)
            .end(),
        }))
        .where('id', '=', payment.id)
        .where('status', 'in', capturablePaymentStatuses)
        .execute();
    }
    const entry = appended ?? (await findLedgerEntry(trx, capture.idempotencyKey));
    if (!entry) throw new Error(`ledger entry ${capture.idempotencyKey} neither appended nor found`);
    return { entry, payment: await trx.selectFrom('payments').selectAll().where('id', '=', payment.id).executeTakeFirstOrThrow() };
  });
}

/** The provider released an authorization nothing was captured from: no capture can take it any more. */
export async function markAuthorizationExpired(db: Db, id: string): Promise<void> {
  await db.updateTable('payments').set({ status: 'expired' }).where('id', '=', id).where('status', '=', 'authorized').execute();
}

/** Keeps the provider's id of an authorization that was released because its payment had been cancelled meanwhile. */
export async function recordReleasedAuthorization(db: Db, id: string, externalId: string): Promise<void> {
  await db.updateTable('payments').set({ external_id: externalId }).where('id', '=', id).where('status', '=', 'cancelled').where('external_id', 'is', null).execute();
}
