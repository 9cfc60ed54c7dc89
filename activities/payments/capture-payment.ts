import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database, PaymentLedgerRow, PaymentRow, PaymentStatus } from '../../db/database';
import { findLedgerEntry } from '../../db/payment-ledger';
import { capturablePaymentStatuses, findPayment, markAuthorizationExpired, recordCapture } from '../../db/payments';
import { money, type Money } from '../../domain/money';
import type { PaymentProviders } from './payment-provider';

export interface CapturePaymentInput {
  orderId: string;
  paymentId: string;
  amount: Money;
  /** False keeps the rest of the authorization for later captures (multicapture). */
  finalCapture: boolean;
  /** `capture-<orderId>-<n>/capture`: the provider call and the ledger row are both keyed by it. */
  idempotencyKey: string;
}

export interface PaymentCaptured {
  paymentId: string;
  captured: Money;
  /** Everything captured from the authorization so far, this capture included. */
  totalCaptured: Money;
  status: PaymentStatus;
  providerReference: string | null;
}

/**
 * Captures part or all of an authorization and appends the `captured` ledger row with the
 * provider's answer. Idempotent: a key already in the ledger answers from it without calling the
 * provider, and a retry after a lost answer sends the provider the same key, which replays its
 * answer instead of capturing again. An authorization the provider released throws
 * AuthorizationExpired (not retried); a capture that can never succeed throws PaymentNotCapturable.
 */
export async function capturePayment({ db, providers }: { db: Kysely<Database>; providers: PaymentProviders }, input: CapturePaymentInput): Promise<PaymentCaptured> {
  const recorded = await findLedgerEntry(db, input.idempotencyKey);
  if (recorded) return capturedResult(sameCapture(recorded, input), (await findPayment(db, input.paymentId))!);

  const payment = await findPayment(db, input.paymentId);
  if (!payment || payment.order_id !== input.orderId) throw notCapturable(`no payment ${input.paymentId} of order ${input.orderId}`);
  const amount = capturableAmount(payment, input);
  const provider = providers[payment.provider];
  const answer = await provider
    .capture({ externalId: payment.external_id!, amount, idempotencyKey: input.idempotencyKey, finalCapture: input.finalCapture })
    .catch(async (error: unknown) => {
      if (error instanceof ApplicationFailure && error.type === 'AuthorizationExpired') await markAuthorizationExpired(db, payment.id);
      throw error;
    });
  if (answer.captured.amount !== amount.amount || answer.captured.currency !== amount.currency) {
    throw new Error(`provider captured ${answer.captured.amount} ${answer.captured.currency}, asked for ${amount.amount} ${amount.currency}`);
  }
  const { entry, payment: after } = await recordCapture(db, {
    paymentId: payment.id,
    amount: amount.amount,
    providerReference: answer.externalId,
    idempotencyKey: input.idempotencyKey,
    finalCapture: input.finalCapture,
  });
  if (answer.totals && answer.totals.captured.amount !== after.captured_amount) {
    // Captured outside this ledger (the dashboard): the books must be reconciled by a person.
    log.warn('provider total captured differs from the ledger', { paymentId: payment.id, provider: answer.totals.captured.amount, ledger: after.captured_amount });
  }
  log.info('payment captured', { orderId: input.orderId, paymentId: payment.id, amount: amount.amount, finalCapture: input.finalCapture });
  return capturedResult(entry, after);
}

/** What may be captured now; anything the provider would refuse, or the ledger could not hold, is refused here first. */
function capturableAmount(payment: PaymentRow, input: CapturePaymentInput): Money {
  let amount: Money;
  try {
    amount = money(input.amount.amount, input.amount.currency);
  } catch {
    throw notCapturable(`cannot capture ${input.amount.amount} ${input.amount.currency}`);
  }
  if (amount.amount <= 0 || amount.currency !== payment.currency) throw notCapturable(`cannot capture ${amount.amount} ${amount.currency} of a ${payment.currency} payment`);
  if (payment.status === 'expired') {
    throw ApplicationFailure.create({ type: 'AuthorizationExpired', message: `payment ${payment.id}'s authorization expired`, nonRetryable: true });
  }
  if (!(capturablePaymentStatuses as readonly string[]).includes(payment.status) || !payment.external_id) {
    throw notCapturable(`payment ${payment.id} is ${payment.status}`);
  }
  const left = payment.authorized_amount - payment.captured_amount;
  if (amount.amount > left) throw notCapturable(`cannot capture ${amount.amount} of payment ${payment.id}: ${left} left of its authorization`);
  return amount;
}

/** The key is the capture: reused for another payment or amount, it is a bug upstream, not a retry. */
function sameCapture(entry: PaymentLedgerRow, input: CapturePaymentInput): PaymentLedgerRow {
  if (entry.kind !== 'captured' || entry.payment_id !== input.paymentId || entry.amount !== input.amount.amount || entry.currency !== input.amount.currency) {
    throw ApplicationFailure.create({
      type: 'IdempotencyKeyConflict',
      message: `idempotency key ${input.idempotencyKey} recorded ${entry.kind} ${entry.amount} ${entry.currency} of payment ${entry.payment_id}`,
      nonRetryable: true,
    });
  }
  return entry;
}

function capturedResult(entry: PaymentLedgerRow, payment: PaymentRow): PaymentCaptured {
  return {
    paymentId: payment.id,
    captured: money(entry.amount, entry.currency),
    totalCaptured: money(payment.captured_amount, payment.currency),
    status: payment.status,
    providerReference: entry.provider_reference,
  };
}

function notCapturable(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: 'PaymentNotCapturable', message, nonRetryable: true });
}
