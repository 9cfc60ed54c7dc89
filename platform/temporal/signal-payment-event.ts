import type { Client } from '@temporalio/client';
import { orderWorkflowId, paymentEventSignal, type PaymentEvent } from '../../workflows/order/order.messages';

/** Gives the order workflow a payment event; it counts each event id once, so repeating is safe. */
export async function signalPaymentEvent(client: Client, orderId: string, event: PaymentEvent): Promise<void> {
  await client.workflow.getHandle(orderWorkflowId(orderId)).signal(paymentEventSignal, event);
}
