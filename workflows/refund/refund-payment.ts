import { msToNumber } from '@temporalio/common/lib/time';
import { ApplicationFailure, condition, proxyActivities, TemporalFailure } from '@temporalio/workflow';
import type { RefundActivities } from '../../activities/payments/payment-activities';
import { captureRetry, stepRetry } from '../shared/retry-policies';
import { taskQueues } from '../shared/task-queues';
import type { RefundDecision, RefundInput, RefundOutcome } from './refund-payment.messages';
import { registerRefundHandlers } from './refund-handlers';
import { TrackedRefund } from './tracked-refund';

const DEFAULT_FAILURE_WATCH = '30 days';

// The provider call goes through the rate-limited payments queue, as captures do.
const payments = proxyActivities<RefundActivities>({ taskQueue: taskQueues.payments, startToCloseTimeout: '30 seconds', retry: captureRetry });
const ledger = proxyActivities<RefundActivities>({ taskQueue: taskQueues.payments, startToCloseTimeout: '15 seconds', retry: stepRetry });

/**
 * refund-<refundId>: record the request against what was captured (the database refuses more
 * than is refundable), wait for an admin when it is above the threshold (or expire), ask the
 * provider once under `refund-<refundId>/create`, and settle it by the provider's answer or its
 * webhook. A success is still listened to for a late failure, which is never reported as done.
 */
export async function refundPayment(input: RefundInput): Promise<RefundOutcome> {
  const refund = new TrackedRefund(input);
  let decision: RefundDecision | undefined;
  registerRefundHandlers(refund, (d) => {
    decision = d;
    refund.view.approvedBy = d.actor.id;
  });
  const { refundId } = input;

  if (!(await recordRequest(refund))) return outcome(refund);

  if (refund.needsApproval) {
    await refund.moveTo('awaiting_approval', `above ${input.approval.threshold}; expires after ${String(input.approval.deadline)}`);
    if (!(await condition(() => decision !== undefined, input.approval.deadline))) {
      await ledger.settleRefund({ refundId, outcome: 'expired', reason: 'nobody approved it before its deadline' });
      refund.view.failureReason = 'nobody approved it before its deadline';
      await refund.moveTo('expired', 'support must decide again');
      return outcome(refund);
    }
    refund.note('approved', decision!.reason, decision!.actor.id);
    await ledger.approveRefund({ refundId, orderId: input.orderId, approvedBy: decision!.actor, reason: decision!.reason });
  }

  await refund.moveTo('processing');
  const sent = await payments.sendRefund({ refundId });
  if (sent.status === 'pending') {
    refund.view.providerReference = sent.providerReference;
    await condition(() => refund.providerSays() !== undefined);
    const said = refund.providerSays()!;
    const succeeded = said.status === 'succeeded';
    await ledger.settleRefund({ refundId, outcome: succeeded ? 'succeeded' : 'failed', reason: said.failureReason ?? said.status, providerReference: sent.providerReference });
    if (!succeeded) return failed(refund, said.failureReason ?? `the provider says ${said.status}`);
  } else if (sent.status === 'failed') {
    return failed(refund, sent.reason);
  } else {
    refund.view.providerReference = sent.providerReference;
  }
  await refund.moveTo('succeeded', refund.view.providerReference);

  // A card closed since can send the money back days later: that is a failure, said to support.
  const lateFailure = () => refund.events.some((e) => e.status === 'failed' || e.status === 'canceled');
  if (await condition(lateFailure, input.failureWatch ?? DEFAULT_FAILURE_WATCH)) {
    const said = refund.events.find((e) => e.status === 'failed' || e.status === 'canceled')!;
    const reason = said.failureReason ?? said.status ?? 'failed';
    await ledger.settleRefund({ refundId, outcome: 'failed', reason });
    return failed(refund, reason);
  }
  return outcome(refund);
}

/** The refund's row and ledger row; false when the database refused it (more than refundable). */
async function recordRequest(refund: TrackedRefund): Promise<boolean> {
  const { input } = refund;
  try {
    await ledger.recordRefund({
      refundId: input.refundId,
      orderId: input.orderId,
      amount: input.amount.amount,
      currency: input.amount.currency,
      shippingAmount: input.shipping.amount,
      reason: input.reason,
      note: input.note ?? null,
      items: input.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, amount: 0 })),
      requestedBy: input.requestedBy.id,
      approvalDeadline: refund.needsApproval ? new Date(Date.now() + msToNumber(input.approval.deadline)).toISOString() : null,
    });
    return true;
  } catch (error) {
    const refusal = refusalOf(error);
    if (!refusal) throw error;
    refund.view.failureReason = refusal;
    await refund.moveTo('refused', refusal);
    return false;
  }
}

async function failed(refund: TrackedRefund, reason: string): Promise<RefundOutcome> {
  refund.view.failureReason = reason;
  await refund.moveTo('failed', reason);
  return outcome(refund);
}

const outcome = ({ view }: TrackedRefund): RefundOutcome => ({
  refundId: view.refundId,
  orderId: view.orderId,
  stage: view.stage,
  amount: view.amount,
  ...(view.failureReason && { failureReason: view.failureReason }),
  ...(view.providerReference && { providerReference: view.providerReference }),
});

function refusalOf(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof TemporalFailure; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type === 'refund-exceeds-refundable') return `refund-exceeds-refundable: ${cause.message}`;
  }
  return undefined;
}
