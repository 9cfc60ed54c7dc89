import { ApplicationFailure, ParentClosePolicy, startChild, upsertSearchAttributes, uuid4 } from '@temporalio/workflow';
import { hasShipped, isFinal } from '../../domain/order-state';
import { money, sum, type Money } from '../../domain/money';
import { afterRefund, nothingRefunded, refundable, refundForLines, unitsLeftToRefund, type RefundedSoFar, type RefundLine } from '../../domain/refund-plan';
import { refundWorkflowId, refundWorkflowType, type RefundPaymentWorkflow, type RefundReport, type RefundStage } from '../refund/refund-payment.messages';
import { RefundStatus } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';
import type { RefundRequest, RefundSummary } from './order.messages';
import type { TrackedOrder } from './tracked-order';

const settledAgainst: ReadonlySet<RefundStage> = new Set(['failed', 'expired', 'refused']);
const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** Refunds that hold money: succeeded, or still in flight. */
const standing = (order: TrackedOrder): RefundSummary[] => (order.view.refunds ?? []).filter((r) => !settledAgainst.has(r.stage));

/** What the standing refunds took of the lines and shipping. */
function refundedSoFar(order: TrackedOrder, currency: string): RefundedSoFar {
  return standing(order).reduce((so, r) => afterRefund(so, r.lines, r.shipping), nothingRefunded(currency));
}

/** Captured less refunded less in flight, as the order knows it. */
export function refundableNow(order: TrackedOrder): Money {
  const currency = order.view.totals?.currency ?? order.view.payment?.authorized.currency ?? 'USD';
  const captured = order.view.payment?.captured ?? money(0, currency);
  const held = sum(
    standing(order).map((r) => r.amount),
    currency,
  );
  return refundable(captured, money(0, currency), held);
}

/**
 * The validator's judgment, and the handler's plan (the same pure computation): the refund's
 * amount and shipping share, or a typed refusal. Judged against every refund accepted before it,
 * in flight ones included, so concurrent requests never together promise more than was captured.
 */
export function planRefund(order: TrackedOrder, request: RefundRequest): { amount: Money; shipping: Money; lines: RefundLine[] } {
  const { status } = order.state;
  if (request.actor.role === 'customer') throw refuse('customer-not-allowed', 'refunds are for support; customers return their goods');
  if (!request.reason.trim()) throw refuse('reason-required', 'say why the money goes back');
  if (status === 'pending') throw refuse('checkout-in-progress', 'checkout is still deciding on this order');
  if (isFinal(status) && status !== 'cancelled') throw refuse('order-final', `the order is ${status}`);
  const totals = order.view.totals;
  if (!totals || !order.view.payment?.captured || order.view.payment.captured.amount === 0) {
    throw refuse('nothing-captured', 'nothing was captured from this order: what is authorized is released by cancelling, not refunded');
  }
  const { currency } = totals;
  let amount: Money;
  let shipping = money(0, currency);
  let lines = request.lines ?? [];
  const hasLines = lines.length > 0;
  if (hasLines === (request.amount !== undefined)) throw refuse('refund-invalid', 'name either an amount or lines, not both and not neither');
  if (hasLines) {
    const before = refundedSoFar(order, currency);
    // A return is refunded for the units support has not refunded already; support's own request must fit as asked.
    if (request.rmaId !== undefined) lines = unitsLeftToRefund(totals, lines, before);
    if (lines.length === 0) throw refuse('already-refunded', 'every returned unit was refunded already');
    try {
      const computed = refundForLines(totals, lines, request.refundReason, before);
      amount = computed.total;
      shipping = computed.shipping;
    } catch (error) {
      throw refuse('refund-invalid', error instanceof Error ? error.message : String(error));
    }
  } else {
    if (!Number.isSafeInteger(request.amount) || request.amount! < 1) throw refuse('refund-invalid', `the amount must be a positive integer of minor units, got ${request.amount}`);
    amount = money(request.amount!, currency);
  }
  const left = refundableNow(order);
  if (amount.amount > left.amount) {
    throw refuse('refund-exceeds-refundable', `asked ${amount.amount} ${currency}; ${left.amount} ${currency} is refundable (captured less refunded less refunds in flight)`);
  }
  if (amount.amount === 0) throw refuse('refund-invalid', 'the refund comes to nothing');
  return { amount, shipping, lines };
}

/** The refund a return already asked for: a return gets one refund, however often it asks. */
export function refundOfReturn(order: TrackedOrder, request: RefundRequest): RefundSummary | undefined {
  return request.rmaId === undefined ? undefined : order.view.refunds?.find((r) => r.rmaId === request.rmaId);
}

/** The handler's first, synchronous step: the refund holds its amount before the next request is judged. */
export function reserveRefund(order: TrackedOrder, request: RefundRequest): RefundSummary {
  const { amount, shipping, lines } = planRefund(order, request);
  const refundId = uuid4();
  const summary: RefundSummary = {
    refundId,
    workflowId: refundWorkflowId(refundId),
    amount,
    shipping,
    lines,
    reason: request.refundReason,
    requestedBy: request.actor.id,
    stage: 'requested',
    ...(request.rmaId && { rmaId: request.rmaId }),
  };
  (order.view.refunds ??= []).push(summary);
  return summary;
}

/** Starts refund-<refundId> as the order's child; it outlives a run that continues as new and reports its stages back. */
export async function startRefund(order: TrackedOrder, summary: RefundSummary, request: RefundRequest): Promise<void> {
  await startChild<RefundPaymentWorkflow>(refundWorkflowType, {
    workflowId: summary.workflowId,
    taskQueue: taskQueues.orders,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    staticSummary: `Refund ${summary.amount.amount} ${summary.amount.currency} of order ${order.id}`,
    staticDetails: `Reason: ${request.refundReason}. Asked by ${request.actor.id}: ${request.reason}${summary.lines.length ? `. Lines: ${summary.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ')}` : ''}`,
    args: [
      {
        refundId: summary.refundId,
        orderId: order.id,
        amount: summary.amount,
        shipping: summary.shipping,
        lines: summary.lines,
        reason: request.refundReason,
        ...(request.note && { note: request.note }),
        requestedBy: request.actor,
        approval: request.approval,
      },
    ],
  });
  order.note('refund started', `${summary.workflowId}: ${summary.amount.amount} ${summary.amount.currency}`, request.actor.id);
}

/** A refund's report: the view at once (so what is refundable follows), the status and search attribute in the inbox's turn. */
export function receiveRefundReport(order: TrackedOrder, report: RefundReport): boolean {
  const summary = order.view.refunds?.find((r) => r.refundId === report.refundId);
  if (!summary || summary.stage === report.stage) return false;
  summary.stage = report.stage;
  if (report.failureReason) summary.failureReason = report.failureReason;
  return true;
}

/**
 * Once fulfillment ended (delivered or returned), refunds move the status: refunded when what
 * succeeded is everything captured, else partially refunded. A failure or expiry is said on the
 * timeline and on RefundStatus, so support finds it.
 */
export async function carryOutRefundReport(order: TrackedOrder, report: RefundReport): Promise<void> {
  const detail = `${report.refundId}: ${report.amount.amount} ${report.amount.currency}${report.failureReason ? ` (${report.failureReason})` : ''}`;
  order.note(`refund ${report.stage}`, detail);
  upsertSearchAttributes([{ key: RefundStatus, value: report.stage.toUpperCase() }]);
  if (report.stage !== 'succeeded' || !hasShipped(order.status) || !['delivered', 'returned', 'partially_refunded'].includes(order.status)) return;
  const currency = report.amount.currency;
  const refunded = sum(
    (order.view.refunds ?? []).filter((r) => r.stage === 'succeeded').map((r) => r.amount),
    currency,
  );
  const captured = order.view.payment?.captured?.amount ?? 0;
  await order.move(refunded.amount >= captured ? 'refunded' : 'partiallyRefunded', { reason: `refund ${report.refundId}` });
}
