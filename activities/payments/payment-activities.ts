import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findPaymentEvents } from '../../db/payment-events';
import type { PaymentEvent } from '../../domain/payment-event';
import { authorizePayment, type AuthorizePaymentInput, type PaymentAuthorized, type PaymentDeclinedDetails } from './authorize-payment';
import { cancelPayment, type CancelPaymentInput, type PaymentsCancelled } from './cancel-payment';
import { capturePayment, type CapturePaymentInput, type PaymentCaptured } from './capture-payment';
import { deliverStoredPaymentEvents, type StoredPaymentEventsDelivered } from './deliver-stored-payment-events';
import type { PaymentProviders } from './payment-provider';
import { releaseRestOfAuthorization, type ReleaseRestInput } from './release-rest-of-authorization';
import { approveRefundRecord, recordRefund, sendRefund, settleRefund, type RecordRefundInput, type RefundSent } from './refund-payment';

export type { AuthorizePaymentInput, CancelPaymentInput, CapturePaymentInput, PaymentAuthorized, PaymentCaptured, PaymentDeclinedDetails, PaymentsCancelled, StoredPaymentEventsDelivered };

export interface PaymentActivityDeps {
  db: Kysely<Database>;
  /** One adapter per provider a payments row can name; each call goes to the payment's own. */
  providers: PaymentProviders;
}

/**
 * Money at the providers, and the payment ledger that records it: authorizations and their
 * compensation, captures, and the provider's webhook events that reach an order's workflow.
 */
export function createPaymentActivities({ db, providers }: PaymentActivityDeps) {
  return {
    async authorizePayment(input: AuthorizePaymentInput): Promise<PaymentAuthorized> {
      return authorizePayment({ db, providers }, input);
    },

    async cancelPayment(input: CancelPaymentInput): Promise<PaymentsCancelled> {
      return cancelPayment({ db, providers }, input);
    },

    /** On the rate-limited payments queue: nobody waits on a capture, and Stripe limits its endpoint. */
    async capturePayment(input: CapturePaymentInput): Promise<PaymentCaptured> {
      return capturePayment({ db, providers }, input);
    },

    /** The rest of a partly captured authorization that will never be captured: released at the provider, recorded as `cancelled`. */
    async releaseRestOfAuthorization(input: ReleaseRestInput): Promise<{ released: number }> {
      return releaseRestOfAuthorization({ db, providers }, input);
    },

    /** The refund's row and its refund_requested ledger row; the database refuses more than is refundable. */
    async recordRefund(input: RecordRefundInput): Promise<{ paymentId: string }> {
      return recordRefund(db, input);
    },

    /** The approval on the refund's row and in the support audit, once. */
    async approveRefund(input: { refundId: string; orderId: string; approvedBy: { id: string; role: string }; reason: string }): Promise<void> {
      return approveRefundRecord(db, input);
    },

    /** On the rate-limited payments queue: the provider call under refund-<id>/create. */
    async sendRefund(input: { refundId: string }): Promise<RefundSent> {
      return sendRefund({ db, providers }, input);
    },

    async settleRefund(input: { refundId: string; outcome: 'succeeded' | 'failed' | 'expired'; reason?: string; providerReference?: string }): Promise<void> {
      return settleRefund(db, input);
    },

    /** Events a webhook stored for this PaymentIntent, oldest first: those that came before the workflow listened. */
    async storedPaymentEvents(paymentIntentId: string): Promise<PaymentEvent[]> {
      return findPaymentEvents(db, paymentIntentId);
    },

    async deliverStoredPaymentEvents(batch: { graceSeconds: number; limit: number }): Promise<StoredPaymentEventsDelivered> {
      return deliverStoredPaymentEvents(db, batch);
    },
  };
}

export type PaymentActivities = ReturnType<typeof createPaymentActivities>;
/** What the scheduled redelivery of stored payment events calls. */
export type PaymentEventActivities = Pick<PaymentActivities, 'deliverStoredPaymentEvents'>;
/** What the capture workflow calls. */
export type CaptureActivities = Pick<PaymentActivities, 'capturePayment'>;
/** What the refund workflow calls. */
export type RefundActivities = Pick<PaymentActivities, 'recordRefund' | 'approveRefund' | 'sendRefund' | 'settleRefund'>;
export type { RecordRefundInput, RefundSent };
