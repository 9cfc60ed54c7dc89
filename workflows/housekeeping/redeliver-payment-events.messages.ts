import type { redeliverPaymentEvents } from './redeliver-payment-events';

export const redeliverPaymentEventsWorkflowType = 'redeliverPaymentEvents';
export type RedeliverPaymentEventsWorkflow = typeof redeliverPaymentEvents;

/** The schedule that redelivers every minute; also the id prefix of its runs. */
export const paymentEventRedeliveryScheduleId = 'payment-event-redelivery';
