import type { AuthorizeRequest, AuthorizeResult, CaptureRequest, CaptureResult, PaymentProvider, RefundRequest, RefundResult } from './payment-provider';

/**
 * Invoice and cash on delivery: no money moves through us, so there is nothing to hold or decline.
 * Its ids are derived from the idempotency keys, so a retried call answers the same.
 */
export function createManualPaymentProvider(): PaymentProvider {
  return {
    name: 'manual',

    async authorize({ paymentMethod, amount, idempotencyKey }: AuthorizeRequest): Promise<AuthorizeResult> {
      if (paymentMethod.provider !== 'manual') throw new TypeError(`the manual provider cannot authorize a ${paymentMethod.provider} payment`);
      return { status: 'authorized', externalId: `manual:${idempotencyKey}`, authorized: amount, expiresAt: null, multicapture: true };
    },

    async cancelAuthorization(): Promise<void> {},

    async capture({ externalId, amount }: CaptureRequest): Promise<CaptureResult> {
      // Recording what was collected (invoice paid, cash taken) is the caller's ledger, not a provider call.
      return { externalId, captured: amount, totals: null };
    },

    async refund({ amount, idempotencyKey }: RefundRequest): Promise<RefundResult> {
      // Cash or invoice: the money goes back outside; the ledger row the caller appends is the record.
      return { refundId: `manual:${idempotencyKey}`, status: 'succeeded', amount };
    },
  };
}
