/**
 * A payment provider's event about an order's payment, as a verified webhook reports it: what
 * the order workflow receives (signal) and what the database keeps until the workflow reads it.
 */
export interface PaymentEvent {
  provider: 'stripe';
  /** The provider's event id (evt_...): unique, so a redelivery is recognised. */
  eventId: string;
  /** e.g. payment_intent.amount_capturable_updated, payment_intent.payment_failed, payment_intent.canceled, charge.refunded */
  type: string;
  /** The PaymentIntent the event is about. */
  paymentIntentId: string;
  /** Seconds since the epoch, as the provider stamped it: events may arrive out of order. */
  createdAt: number;
  /** Amounts in minor units as the event reports them, when it does. */
  amountCapturable?: number;
  amountReceived?: number;
  /** Set on a refund's events (refund.updated, refund.failed): ours is in its metadata, so it goes to refund-<refundId>. */
  refund?: { refundId: string; providerReference: string; status?: string; failureReason?: string };
}
