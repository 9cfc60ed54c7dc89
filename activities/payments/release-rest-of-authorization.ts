import { log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { appendLedgerEntry, findLedgerEntry } from '../../db/payment-ledger';
import { findPayment } from '../../db/payments';
import type { PaymentProviders } from './payment-provider';

export interface ReleaseRestInput {
  orderId: string;
  paymentId: string;
  /** `order-<orderId>/release-rest`: the provider call and the `cancelled` ledger row. */
  idempotencyKey: string;
}

/**
 * What is authorized and will never be captured (the cancelled parcels' shares) is released, not
 * refunded: the provider cancels the rest of a partly captured authorization (Stripe settles the
 * PaymentIntent with what was captured), a `cancelled` ledger row records how much was let go,
 * and the payment is `captured`. Idempotent by its key; nothing to release answers 0.
 */
export async function releaseRestOfAuthorization({ db, providers }: { db: Kysely<Database>; providers: PaymentProviders }, input: ReleaseRestInput): Promise<{ released: number }> {
  const done = await findLedgerEntry(db, input.idempotencyKey);
  if (done) return { released: done.amount };
  const payment = await findPayment(db, input.paymentId);
  if (!payment || payment.order_id !== input.orderId || payment.status !== 'partially_captured' || !payment.external_id) return { released: 0 };
  const left = payment.authorized_amount - payment.captured_amount;
  if (left <= 0) return { released: 0 };
  await providers[payment.provider].cancelAuthorization({ externalId: payment.external_id, idempotencyKey: input.idempotencyKey });
  await db.transaction().execute(async (trx) => {
    await appendLedgerEntry(trx, {
      paymentId: payment.id,
      orderId: payment.order_id,
      kind: 'cancelled',
      amount: left,
      currency: payment.currency,
      providerReference: payment.external_id,
      idempotencyKey: input.idempotencyKey,
    });
    await trx.updateTable('payments').set({ status: 'captured' }).where('id', '=', payment.id).where('status', '=', 'partially_captured').execute();
  });
  log.info('rest of the authorization released', { orderId: input.orderId, paymentId: payment.id, released: left });
  return { released: left };
}
