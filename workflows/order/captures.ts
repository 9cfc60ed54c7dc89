import { log, ParentClosePolicy, startChild, upsertSearchAttributes } from '@temporalio/workflow';
import { owedByOrder, uncollected } from '../../domain/authorization-expiry';
import { parcelShares } from '../../domain/capture-plan';
import type { Money } from '../../domain/money';
import { captureOrderPaymentWorkflowType, captureWorkflowId, type CaptureOrderPaymentWorkflow } from '../payment/capture-order-payment.messages';
import { OrderId, PaymentAlert, type SearchAttributeUpdates } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';
import type { CaptureSummary } from './order.messages';
import type { TrackedOrder } from './tracked-order';

export interface CaptureRequest {
  amount: Money;
  finalCapture: boolean;
  purpose: NonNullable<CaptureSummary['purpose']>;
  /** The parcel whose handover takes it. */
  shipmentId?: string;
}

/**
 * Starts capture-<orderId>-<n>, the order's n-th capture (its id is the capture's idempotency
 * key), for a handover or for the rest before the hold lapses; its outcome lands on the view.
 * The caller has checked there is a payment to capture from.
 */
export async function startCapture(order: TrackedOrder, { amount, finalCapture, purpose, shipmentId }: CaptureRequest): Promise<void> {
  const payment = order.view.payment!;
  const captures = (order.view.captures ??= []);
  const capture: CaptureSummary = { workflowId: captureWorkflowId(order.id, captures.length + 1), ...(shipmentId && { shipmentId }), purpose, amount, finalCapture, status: 'started' };
  captures.push(capture);
  const child = await startChild<CaptureOrderPaymentWorkflow>(captureOrderPaymentWorkflowType, {
    workflowId: capture.workflowId,
    taskQueue: taskQueues.orders,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    // Ops find it by its order from its first event on: set at the start, not upserted by the run.
    typedSearchAttributes: [{ key: OrderId, value: order.id }] satisfies SearchAttributeUpdates,
    args: [{ orderId: order.id, paymentId: payment.paymentId!, amount, finalCapture }],
  });
  void child.result().then(
    (outcome) => {
      capture.status = outcome.status;
      order.note(`capture ${outcome.status}`, capture.workflowId);
      if (outcome.status === 'captured' && order.view.payment) {
        const everything = outcome.totalCaptured.amount >= order.view.payment.authorized.amount || outcome.finalCapture;
        order.view.payment = { ...order.view.payment, status: everything ? 'captured' : 'partially_captured', captured: outcome.totalCaptured };
      }
      if (outcome.status === 'authorization-expired') markAuthorizationExpired(order, `${capture.workflowId} found the hold released`);
    },
    (failure: unknown) => order.note('capture failed', `${capture.workflowId}: ${String(failure)}`),
  );
}

export const capturesInFlight = (order: TrackedOrder): number => (order.view.captures ?? []).filter((c) => c.status === 'started').length;

/** Whether a final capture was taken or is under way: the provider then releases the rest of the hold. */
export const finalCaptureTaken = (order: TrackedOrder): boolean => (order.view.captures ?? []).some((c) => c.finalCapture && (c.status === 'started' || c.status === 'captured'));

/** What the order may collect: its total less the shares of parcels cancelled before they left. */
export function owedByThisOrder(order: TrackedOrder): Money {
  const { totals, shipments = [] } = order.view;
  const cancelled = shipments.filter((s) => s.stage === 'cancelled').map((s) => s.shipmentId);
  if (cancelled.length === 0) return totals!.total;
  const shares = parcelShares(
    totals!,
    shipments.map((s) => ({ parcelId: s.shipmentId, lines: s.lines })),
  );
  return owedByOrder(
    totals!.total,
    shares.filter((s) => cancelled.includes(s.parcelId)).map((s) => s.total),
  );
}

/**
 * The hold lapsed with money owed: said once on the timeline and the view, flagged for ops
 * (PaymentAlert = AUTHORIZATION_EXPIRED) and logged. Collecting the rest is a person's job now.
 */
export function markAuthorizationExpired(order: TrackedOrder, why: string): void {
  const payment = order.view.payment;
  if (!payment || payment.authorizationExpired) return;
  const left = uncollected(owedByThisOrder(order), order.view.captures ?? []);
  payment.authorizationExpired = { at: new Date().toISOString(), uncollected: left };
  order.note('authorization expired', `${left.amount} ${left.currency} uncollected: ${why}`);
  upsertSearchAttributes([{ key: PaymentAlert, value: 'AUTHORIZATION_EXPIRED' }]);
  log.error('authorization expired with money uncollected', { orderId: order.id, uncollected: left.amount, currency: left.currency, why });
}
