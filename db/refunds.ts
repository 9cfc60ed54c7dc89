import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database, PaymentRow, RefundItem, RefundStatus } from './database';
import { appendLedgerEntry, findLedgerEntry } from './payment-ledger';
import { queueOrderNotification } from './orders';

type Db = Kysely<Database> | Transaction<Database>;

export type RefundRow = Awaited<ReturnType<typeof findRefund>>;

export interface NewRefund {
  refundId: string;
  orderId: string;
  amount: number;
  currency: string;
  shippingAmount: number;
  reason: string;
  note: string | null;
  items: RefundItem[];
  requestedBy: string;
  /** Set when it waits for an admin. */
  approvalDeadline: Date | null;
}

/** The ledger keys of one refund: its request, its success, its failure. */
export const refundKeys = (refundId: string) => ({
  create: `refund-${refundId}/create`,
  requested: `refund-${refundId}/requested`,
  refunded: `refund-${refundId}/refunded`,
  failed: `refund-${refundId}/failed`,
});

/** Thrown when the database refuses a refund request: more than captured - refunded - in flight. */
export class RefundExceedsRefundable extends Error {
  constructor(readonly refundable: number) {
    super(`only ${refundable} is refundable`);
    this.name = 'RefundExceedsRefundable';
  }
}

/**
 * Records a refund and its `refund_requested` ledger row in one transaction, against the order's
 * payment that captured money (locked). The ledger row raises refunding_amount, so the payments
 * CHECK (refunded + refunding <= captured) refuses a request beyond what is refundable, whatever
 * else asked at the same time. Idempotent by the refund id.
 */
export async function recordRefundRequest(db: Kysely<Database>, refund: NewRefund): Promise<{ paymentId: string; duplicate: boolean }> {
  const keys = refundKeys(refund.refundId);
  return db.transaction().execute(async (trx) => {
    const existing = await findRefund(trx, refund.refundId);
    if (existing) return { paymentId: existing.payment_id, duplicate: true };
    const payment = await trx
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', refund.orderId)
      .where('captured_amount', '>', 0)
      .orderBy('captured_amount', 'desc')
      .forUpdate()
      .executeTakeFirst();
    if (!payment) throw new RefundExceedsRefundable(0);
    const refundable = payment.captured_amount - payment.refunded_amount - payment.refunding_amount;
    if (refund.amount > refundable) throw new RefundExceedsRefundable(Math.max(0, refundable));
    await trx
      .insertInto('refunds')
      .values({
        id: refund.refundId,
        order_id: refund.orderId,
        payment_id: payment.id,
        amount: refund.amount,
        currency: refund.currency,
        status: refund.approvalDeadline ? 'awaiting_approval' : 'approved',
        reason: refund.reason,
        note: refund.note,
        idempotency_key: keys.create,
        items: sql`${JSON.stringify(refund.items)}::jsonb`,
        requested_by: refund.requestedBy,
        shipping_amount: refund.shippingAmount,
        approval_deadline: refund.approvalDeadline,
      })
      .execute();
    // The CHECK is the last word even when the read above raced nothing (it holds the row lock).
    await appendLedgerEntry(trx, {
      paymentId: payment.id,
      orderId: refund.orderId,
      kind: 'refund_requested',
      amount: refund.amount,
      currency: payment.currency,
      providerReference: null,
      idempotencyKey: keys.requested,
    });
    return { paymentId: payment.id, duplicate: false };
  });
}

export async function findRefund(db: Db, refundId: string) {
  return db.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
}

export async function findOrderRefunds(db: Db, orderId: string) {
  return db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('created_at').execute();
}

export async function setRefundStatus(db: Db, refundId: string, status: RefundStatus, fields: { approvedBy?: string; externalId?: string } = {}): Promise<void> {
  await db
    .updateTable('refunds')
    .set({ status, ...(fields.approvedBy && { approved_by: fields.approvedBy }), ...(fields.externalId && { external_id: fields.externalId }) })
    .where('id', '=', refundId)
    .where('status', 'not in', ['succeeded', 'failed', 'expired', 'rejected', 'cancelled'])
    .execute();
}

/**
 * The provider refunded: `refunded` ledger row (refunding -> refunded), the refund succeeded, the
 * payment partially_refunded or refunded, and the customer's email queued. Once per refund.
 */
export async function recordRefundSucceeded(db: Kysely<Database>, refundId: string, providerReference: string): Promise<void> {
  const keys = refundKeys(refundId);
  await db.transaction().execute(async (trx) => {
    const refund = await findRefund(trx, refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    if (await findLedgerEntry(trx, keys.refunded)) return;
    await appendLedgerEntry(trx, { paymentId: refund.payment_id, orderId: refund.order_id, kind: 'refunded', amount: refund.amount, currency: refund.currency, providerReference, idempotencyKey: keys.refunded });
    await trx.updateTable('refunds').set({ status: 'succeeded', external_id: providerReference, completed_at: new Date() }).where('id', '=', refundId).execute();
    await movePaymentStatus(trx, refund.payment_id);
    await queueOrderNotification(trx, refund.order_id, { template: 'refund-issued', about: refundId, payload: { refundId, amount: { amount: refund.amount, currency: refund.currency } } });
  });
}

/**
 * The refund did not happen, or was undone by the provider: `refund_failed` ledger row (releasing
 * what the request held, or, after a success under the same provider reference, giving the money
 * back to the captured balance), the refund failed or expired with its reason. Once per refund.
 */
export async function recordRefundFailed(
  db: Kysely<Database>,
  refundId: string,
  { status, reason }: { status: 'failed' | 'expired' | 'rejected'; reason: string },
): Promise<void> {
  const keys = refundKeys(refundId);
  await db.transaction().execute(async (trx) => {
    const refund = await findRefund(trx, refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    if (await findLedgerEntry(trx, keys.failed)) return;
    const succeeded = await findLedgerEntry(trx, keys.refunded);
    await appendLedgerEntry(trx, {
      paymentId: refund.payment_id,
      orderId: refund.order_id,
      kind: 'refund_failed',
      amount: refund.amount,
      currency: refund.currency,
      // The same reference as its success reverses it; otherwise it releases the request's hold.
      providerReference: succeeded ? succeeded.provider_reference : null,
      idempotencyKey: keys.failed,
    });
    await trx.updateTable('refunds').set({ status, failure_reason: reason, completed_at: new Date() }).where('id', '=', refundId).execute();
    await movePaymentStatus(trx, refund.payment_id);
    if (status === 'failed') {
      await queueOrderNotification(trx, refund.order_id, { template: 'refund-failed', about: refundId, payload: { refundId, amount: { amount: refund.amount, currency: refund.currency }, reason } });
    }
  });
}

async function movePaymentStatus(trx: Transaction<Database>, paymentId: string): Promise<void> {
  const payment: PaymentRow = await trx.selectFrom('payments').selectAll().where('id', '=', paymentId).executeTakeFirstOrThrow();
  // An authorization still open keeps its capture status, so the captures still owed can be taken
  // (recordCapture derives the refund status once the last one is in); refund statuses describe
  // a payment whose captures are done.
  if (!['captured', 'partially_refunded', 'refunded'].includes(payment.status)) return;
  const status = payment.refunded_amount === 0 ? 'captured' : payment.refunded_amount === payment.captured_amount ? 'refunded' : 'partially_refunded';
  await trx.updateTable('payments').set({ status }).where('id', '=', paymentId).execute();
}

/** A support decision about a refund in the audit (append-only), once per action id. */
export async function recordRefundDecision(
  db: Db,
  d: { actionId: string; action: string; actor: { id: string; role: string }; orderId: string; refundId: string; reason: string },
): Promise<void> {
  await db
    .insertInto('support_actions')
    .values({ action_id: d.actionId, actor_id: d.actor.id, actor_role: d.actor.role, action: d.action, order_id: d.orderId, target_type: 'refund', target_id: d.refundId, reason: d.reason, outcome: 'accepted' })
    .onConflict((oc) => oc.column('action_id').where('action_id', 'is not', null).doNothing())
    .execute();
}
