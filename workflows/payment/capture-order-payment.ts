import { ApplicationFailure, log, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { CaptureActivities } from '../../activities/payments/payment-activities';
import { captureRetry } from '../shared/retry-policies';
import { OrderId } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';
import { captureRefusals, type CaptureOrderPaymentInput, type CaptureOutcome, type CaptureRefusal } from './capture-order-payment.messages';

// The payments queue is rate limited below Stripe's limit; nobody waits on a capture.
const payments = proxyActivities<CaptureActivities>({ taskQueue: taskQueues.payments, startToCloseTimeout: '30 seconds', retry: captureRetry });

/**
 * capture-<orderId>-<n>: take one capture from an order's authorization (a parcel's share, or the
 * rest before the hold lapses) and record it in the payment ledger. It ends with what happened:
 * captured, the authorization expired, or refused; the order workflow decides what follows.
 */
export async function captureOrderPayment(input: CaptureOrderPaymentInput): Promise<CaptureOutcome> {
  const { orderId, paymentId, amount, finalCapture } = input;
  // A starter that sets OrderId at the start (the order does) spares the run an upsert: an event
  // and a visibility write. The start event decides, so a replay decides as the run did; a
  // patch() here would itself cost the upsert (Temporal's TemporalChangeVersion).
  if (workflowInfo().typedSearchAttributes.get(OrderId) !== orderId) upsertSearchAttributes([{ key: OrderId, value: orderId }]);
  try {
    const captured = await payments.capturePayment({ orderId, paymentId, amount, finalCapture, idempotencyKey: `${workflowInfo().workflowId}/capture` });
    return { status: 'captured', orderId, paymentId, captured: captured.captured, totalCaptured: captured.totalCaptured, finalCapture };
  } catch (error) {
    const failure = typedFailure(error);
    if (!failure) throw error;
    log.warn('capture not taken', { orderId, paymentId, amount: amount.amount, reason: failure.type });
    if (failure.type === 'AuthorizationExpired') return { status: 'authorization-expired', orderId, paymentId, amount, message: failure.message };
    return { status: 'refused', orderId, paymentId, amount, reason: failure.type, message: failure.message };
  }
}

/** The activity's non-retryable answers that are outcomes, not outages; anything else fails the run. */
function typedFailure(error: unknown): { type: 'AuthorizationExpired' | CaptureRefusal; message: string } | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (!(cause instanceof ApplicationFailure)) continue;
    const type = cause.type ?? '';
    if (type === 'AuthorizationExpired' || (captureRefusals as readonly string[]).includes(type)) return { type: type as 'AuthorizationExpired' | CaptureRefusal, message: cause.message };
  }
  return undefined;
}
