export interface PaymentEventRedelivery {
  delivered: number;
  undeliverable: number;
}

export const redeliverPaymentEventsWorkflowType = 'redeliverPaymentEvents';
export type RedeliverPaymentEventsWorkflow = (progress?: PaymentEventRedelivery) => Promise<PaymentEventRedelivery>;

/** The schedule that redelivers every minute; also the id prefix of its runs. */
export const paymentEventRedeliveryScheduleId = 'payment-event-redelivery';
