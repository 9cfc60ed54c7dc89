import type { Client } from '@temporalio/client';
import { orderWorkflowId, paymentEventSignal, type PaymentEvent } from '../../workflows/order/order.messages';
import { refundEventSignal, refundWorkflowId } from '../../workflows/refund/refund-payment.messages';

/**
 * Gives the workflow a payment event: a refund's event to refund-<refundId> (named in the
 * refund's metadata), any other to the order workflow. Both count each event id once, so
 * repeating is safe.
 */
export async function signalPaymentEvent(client: Client, orderId: string, event: PaymentEvent): Promise<void> {
  if (event.refund) {
    const { refundId, providerReference, status, failureReason } = event.refund;
    await client.workflow.getHandle(refundWorkflowId(refundId)).signal(refundEventSignal, {
      eventId: event.eventId,
      type: event.type,
      providerReference,
      ...(status && { status }),
      ...(failureReason && { failureReason }),
    });
    return;
  }
  await client.workflow.getHandle(orderWorkflowId(orderId)).signal(paymentEventSignal, event);
}
