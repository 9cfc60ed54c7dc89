import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findLedgerEntry } from '../../db/payment-ledger';
import { findPayment } from '../../db/payments';
import { findRefund, recordRefundDecision, recordRefundFailed, recordRefundRequest, recordRefundSucceeded, refundKeys, RefundExceedsRefundable, setRefundStatus, type NewRefund } from '../../db/refunds';
import { money } from '../../domain/money';
import type { PaymentProviders } from './payment-provider';

export type RecordRefundInput = Omit<NewRefund, 'approvalDeadline'> & { approvalDeadline: string | null };

/** Where a refund stands once the provider was asked. */
export type RefundSent = { status: 'succeeded'; providerReference: string } | { status: 'pending'; providerReference: string } | { status: 'failed'; reason: string };

/**
 * The refund's row and its `refund_requested` ledger row, once. The database refuses it with
 * `refund-exceeds-refundable` (not retried) when it would take more than captured - refunded -
 * refunds in flight.
 */
export async function recordRefund(db: Kysely<Database>, input: RecordRefundInput): Promise<{ paymentId: string }> {
  try {
    const { paymentId } = await recordRefundRequest(db, { ...input, approvalDeadline: input.approvalDeadline ? new Date(input.approvalDeadline) : null });
    return { paymentId };
  } catch (error) {
    if (error instanceof RefundExceedsRefundable || isRefundsWithinCaptured(error)) {
      throw ApplicationFailure.create({ type: 'refund-exceeds-refundable', message: error instanceof Error ? error.message : String(error), nonRetryable: true });
    }
    throw error;
  }
}

/**
 * Asks the payment's provider to refund, under `refund-<id>/create`: a retry after a lost answer
 * (or a worker killed mid-call) sends the same key, and the provider answers the first refund
 * again instead of refunding twice. A refund already settled in the ledger answers from it. A
 * provider's refusal is recorded as the refund's failure, with the provider's words.
 */
export async function sendRefund({ db, providers }: { db: Kysely<Database>; providers: PaymentProviders }, { refundId }: { refundId: string }): Promise<RefundSent> {
  const keys = refundKeys(refundId);
  const refund = await findRefund(db, refundId);
  if (!refund) throw ApplicationFailure.create({ type: 'refund-invalid', message: `no refund ${refundId}`, nonRetryable: true });
  const done = await findLedgerEntry(db, keys.refunded);
  if (done) return { status: 'succeeded', providerReference: done.provider_reference ?? refundId };
  if (refund.status === 'failed') return { status: 'failed', reason: refund.failure_reason ?? 'failed' };
  const payment = (await findPayment(db, refund.payment_id))!;
  let answer;
  try {
    answer = await providers[payment.provider].refund({
      externalId: payment.external_id!,
      amount: money(refund.amount, refund.currency),
      idempotencyKey: keys.create,
      refundId,
      orderId: refund.order_id,
    });
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || error.type !== 'RefundRefused') throw error;
    await recordRefundFailed(db, refundId, { status: 'failed', reason: error.message });
    return { status: 'failed', reason: error.message };
  }
  log.info('refund sent', { refundId, orderId: refund.order_id, amount: refund.amount, status: answer.status });
  if (answer.status === 'succeeded') {
    await recordRefundSucceeded(db, refundId, answer.refundId);
    return { status: 'succeeded', providerReference: answer.refundId };
  }
  if (answer.status === 'failed') {
    const reason = answer.failureReason ?? 'the provider failed the refund';
    await recordRefundFailed(db, refundId, { status: 'failed', reason });
    return { status: 'failed', reason };
  }
  await setRefundStatus(db, refundId, 'processing', { externalId: answer.refundId });
  return { status: 'pending', providerReference: answer.refundId };
}

/** What the provider's refund events settle: the success of a pending refund, or a failure (also after a success). */
export async function settleRefund(db: Kysely<Database>, input: { refundId: string; outcome: 'succeeded' | 'failed' | 'expired'; reason?: string; providerReference?: string }): Promise<void> {
  if (input.outcome === 'succeeded') return recordRefundSucceeded(db, input.refundId, input.providerReference ?? input.refundId);
  return recordRefundFailed(db, input.refundId, { status: input.outcome, reason: input.reason ?? input.outcome });
}

export async function approveRefundRecord(
  db: Kysely<Database>,
  { refundId, orderId, approvedBy, reason }: { refundId: string; orderId: string; approvedBy: { id: string; role: string }; reason: string },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await setRefundStatus(trx, refundId, 'approved', { approvedBy: approvedBy.id });
    await recordRefundDecision(trx, { actionId: `refund-${refundId}/approve`, action: 'approveRefund', actor: approvedBy, orderId, refundId, reason });
  });
}

function isRefundsWithinCaptured(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string } | undefined;
  return e?.code === '23514' && (e.constraint === 'payments_refunds_within_captured' || e.constraint === 'payments_refunding_non_negative');
}
