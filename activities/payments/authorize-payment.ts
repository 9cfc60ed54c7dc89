import { activityInfo, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database, PaymentRow, PaymentStatus } from '../../db/database';
import { findPayment, insertPendingPayment, markPaymentAuthorized, markPaymentFailed, paymentIdFor, recordReleasedAuthorization } from '../../db/payments';
import { businessFailure } from '../../domain/business-failure';
import { money, type Money } from '../../domain/money';
import type { PaymentMethod, PaymentProviders } from './payment-provider';

export interface AuthorizePaymentInput {
  orderId: string;
  amount: Money;
  paymentMethod: PaymentMethod;
  /**
   * Derived from the workflow and the attempt, e.g. `order-<orderId>/authorize/1`: the same key is
   * the same attempt (one payments row, one provider authorization); a new attempt (another card
   * after a decline) needs a new key.
   */
  idempotencyKey: string;
}

export interface PaymentAuthorized {
  status: 'authorized';
  paymentId: string;
  externalId: string;
  /** ISO time the provider releases the hold unless captured; null when it does not say. */
  authorizationExpiresAt: string | null;
  /** Each parcel may capture its share; otherwise the first handover captures the whole order. */
  multicapture: boolean;
}

/** PaymentDeclined details: what the storefront can tell the customer. */
export interface PaymentDeclinedDetails {
  paymentId: string;
  code: string;
  declineCode: string | null;
}

/**
 * Authorizes the amount (no capture). Idempotent: the row is keyed by the idempotency key and
 * the provider receives that same key, so a retry after a lost answer authorizes once.
 * A decline throws PaymentDeclined (not retried); anything else is thrown for Temporal to retry.
 */
export async function authorizePayment({ db, providers }: { db: Kysely<Database>; providers: PaymentProviders }, input: AuthorizePaymentInput): Promise<PaymentAuthorized> {
  const amount = validAmount(input.amount);
  // The PaymentIntent names its workflow, so ops can go from Stripe's dashboard to the run.
  const workflowId = activityInfo().workflowExecution?.workflowId;
  if (!workflowId) throw ApplicationFailure.nonRetryable('authorizePayment runs inside an order workflow', 'NoWorkflow');
  const paymentId = paymentIdFor(input.idempotencyKey);
  const provider = providers[input.paymentMethod.provider];
  const row = await insertPendingPayment(db, {
    id: paymentId,
    orderId: input.orderId,
    provider: provider.name,
    currency: amount.currency,
  }).catch(unknownOrder(input.orderId));
  if (row.order_id !== input.orderId || row.provider !== provider.name || row.currency !== amount.currency) {
    throw ApplicationFailure.create({
      type: 'IdempotencyKeyConflict',
      message: `idempotency key ${input.idempotencyKey} was used for another payment (order ${row.order_id}, ${row.provider}, ${row.currency})`,
      nonRetryable: true,
    });
  }
  const settled = settledAuthorization(row);
  if (settled) return settled;

  const result = await provider.authorize({
    paymentId,
    orderId: input.orderId,
    workflowId,
    amount,
    paymentMethod: input.paymentMethod,
    idempotencyKey: input.idempotencyKey,
  });

  if (result.status === 'declined') {
    await markPaymentFailed(db, paymentId, { externalId: result.externalId, code: failureCode(result.code, result.declineCode), message: result.message });
    log.info('payment declined', { orderId: input.orderId, paymentId, code: result.code, declineCode: result.declineCode });
    throw declined(paymentId, result.code, result.declineCode, result.message);
  }
  if (result.authorized.currency !== amount.currency) {
    throw new Error(`provider authorized ${result.authorized.currency}, asked for ${amount.currency}`);
  }
  const authorized = await markPaymentAuthorized(db, paymentId, {
    externalId: result.externalId,
    amount: result.authorized.amount,
    expiresAt: result.expiresAt,
    multicapture: result.multicapture,
    idempotencyKey: input.idempotencyKey,
  });
  if (authorized) {
    log.info('payment authorized', { orderId: input.orderId, paymentId, externalId: result.externalId, amount: result.authorized.amount });
    return authorizedResult(authorized);
  }
  // The row moved on while the provider answered: another attempt recorded it, or the saga
  // already compensated (cancelPayment ran while this attempt was in flight).
  const current = await findPayment(db, paymentId);
  if (current && authorizedStatuses.has(current.status) && current.external_id === result.externalId) return authorizedResult(current);
  await provider.cancelAuthorization({ externalId: result.externalId, idempotencyKey: `${input.idempotencyKey}/release` });
  await recordReleasedAuthorization(db, paymentId, result.externalId);
  log.warn('authorization arrived after the payment was cancelled; released it', { orderId: input.orderId, paymentId });
  throw cancelledMeanwhile(paymentId);
}

const authorizedStatuses = new Set<PaymentStatus>(['authorized', 'partially_captured', 'captured', 'partially_refunded', 'refunded']);

/** The outcome a previous run of this attempt already recorded, if it did. */
function settledAuthorization(row: PaymentRow): PaymentAuthorized | undefined {
  if (authorizedStatuses.has(row.status)) return authorizedResult(row);
  if (row.status === 'failed') {
    const { code, declineCode } = parseFailureCode(row.failure_code);
    throw declined(row.id, code, declineCode, row.failure_message ?? 'The payment was declined.');
  }
  if (row.status === 'cancelled' || row.status === 'expired') throw cancelledMeanwhile(row.id);
  return undefined;
}

/** failure_code keeps both the provider's code and the issuer's reason: `card_declined:insufficient_funds`. */
function failureCode(code: string, declineCode: string | null): string {
  return declineCode ? `${code}:${declineCode}` : code;
}

function parseFailureCode(stored: string | null): { code: string; declineCode: string | null } {
  const [code = 'payment_failed', declineCode] = (stored ?? '').split(':');
  return { code: code || 'payment_failed', declineCode: declineCode ?? null };
}

function validAmount(amount: Money): Money {
  try {
    const valid = money(amount.amount, amount.currency);
    if (valid.amount > 0) return valid;
  } catch {
    // reported below
  }
  throw ApplicationFailure.nonRetryable(`cannot authorize ${amount.amount} ${amount.currency}`, 'InvalidPaymentAmount');
}

function authorizedResult(row: PaymentRow): PaymentAuthorized {
  return {
    status: 'authorized',
    paymentId: row.id,
    externalId: row.external_id!,
    authorizationExpiresAt: row.authorization_expires_at?.toISOString() ?? null,
    multicapture: row.multicapture,
  };
}

function declined(paymentId: string, code: string, declineCode: string | null, message: string): ApplicationFailure {
  return businessFailure<PaymentDeclinedDetails>('PaymentDeclined', message, { paymentId, code, declineCode });
}

function cancelledMeanwhile(paymentId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'PaymentCancelled',
    message: `payment ${paymentId} was cancelled before its authorization completed`,
    nonRetryable: true,
  });
}

function unknownOrder(orderId: string) {
  return (error: unknown): never => {
    const code = (error as { code?: string }).code;
    // 23503: no such order; 22P02: not even a uuid. Retrying cannot help either.
    if (code === '23503' || code === '22P02') throw ApplicationFailure.nonRetryable(`no order ${orderId}`, 'UnknownOrder');
    throw error;
  };
}
