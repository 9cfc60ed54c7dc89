import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findExternalIdFromEvents } from '../../db/payment-events';
import { findCancellablePayments, markPaymentCancelled } from '../../db/payments';
import type { PaymentProviders } from './payment-provider';

export interface CancelPaymentInput {
  orderId: string;
  /** e.g. `order-<orderId>/cancel-payment`; each payment is cancelled with `<key>/<paymentId>`. */
  idempotencyKey: string;
}

export interface PaymentsCancelled {
  /** The payments this call cancelled; empty when there was nothing (left) to cancel. */
  cancelledPaymentIds: string[];
}

/**
 * The compensation of authorizePayment: releases every authorization of the order that may
 * still hold money. Safe with nothing to cancel, and idempotent: each payment is cancelled at
 * the provider with a key derived from the caller's, and a cancelled payment is not touched again.
 */
export async function cancelPayment({ db, providers }: { db: Kysely<Database>; providers: PaymentProviders }, input: CancelPaymentInput): Promise<PaymentsCancelled> {
  const payments = await findCancellablePayments(db, input.orderId);
  const cancelledPaymentIds: string[] = [];
  for (const payment of payments) {
    // A pending payment's answer was lost; its provider id may still be known from a webhook.
    const externalId = payment.external_id ?? (await findExternalIdFromEvents(db, payment.id));
    const idempotencyKey = `${input.idempotencyKey}/${payment.id}`;
    if (externalId) await providers[payment.provider].cancelAuthorization({ externalId, idempotencyKey });
    if (await markPaymentCancelled(db, payment.id, { externalId, idempotencyKey })) cancelledPaymentIds.push(payment.id);
  }
  if (cancelledPaymentIds.length > 0) log.info('payments cancelled', { orderId: input.orderId, paymentIds: cancelledPaymentIds });
  return { cancelledPaymentIds };
}
