import { workflowInfo } from '@temporalio/workflow';
import type { StatusChange } from '../../activities/orders/order-activities';
import type { OrderEventType } from '../../domain/order-state';
import { indexOrder } from './best-effort';
import { steps } from './order-steps';
import type { TrackedOrder } from './tracked-order';

/** Stock goes back, the authorization is voided, and the customer is told why. Safe to repeat. */
export async function cancelOrder(
  order: TrackedOrder,
  event: Extract<OrderEventType, 'cancel' | 'rejectRisk' | 'reviewExpired'>,
  reason: string,
  review: Pick<StatusChange, 'riskReviewedBy'> = {},
): Promise<void> {
  await steps.releaseStock(order.id);
  const payment = order.view.payment;
  if (payment?.status === 'authorized') {
    await steps.cancelPayment({ orderId: order.id, idempotencyKey: `${workflowInfo().workflowId}/cancel-payment` });
    order.view.payment = { ...payment, status: 'cancelled' };
  }
  await order.move(event, { reason, notification: { template: 'order-cancelled', payload: { reason } }, ...review });
  order.note('cancelled', reason);
  await indexOrder(order);
}
