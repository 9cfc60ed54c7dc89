import { workflowInfo } from '@temporalio/workflow';
import type { StatusChange, StatusNotification } from '../../activities/orders/order-activities';
import type { OrderEventType } from '../../domain/order-state';
import { indexOrder } from './best-effort';
import { steps } from './order-steps';
import { stopShipments } from './ship-order';
import type { TrackedOrder } from './tracked-order';

type Ending = Extract<OrderEventType, 'cancel' | 'rejectRisk' | 'reviewExpired'>;

/** What the customer is told: a review that rejected the order says so, as checkout would have. */
const notifications = (reason: string): Record<Ending, StatusNotification> => ({
  cancel: { template: 'order-cancelled', payload: { reason } },
  reviewExpired: { template: 'order-cancelled', payload: { reason } },
  rejectRisk: { template: 'order-rejected', payload: { reason: 'RiskRejected' } },
});

/** An order that will not ship: stock goes back, the authorization is voided, and the customer is told why. Safe to repeat. */
export async function endOrder(order: TrackedOrder, event: Ending, reason: string, review: Pick<StatusChange, 'riskReviewedBy'> = {}): Promise<void> {
  await stopShipments(order);
  await steps.releaseStock(order.id);
  const payment = order.view.payment;
  if (payment?.status === 'authorized') {
    await steps.cancelPayment({ orderId: order.id, idempotencyKey: `${workflowInfo().workflowId}/cancel-payment` });
    order.view.payment = { ...payment, status: 'cancelled' };
  }
  await order.move(event, { reason, notification: notifications(reason)[event], ...review });
  order.note(order.status, reason);
  await indexOrder(order);
}
