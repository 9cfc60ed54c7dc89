import { condition, log, patched, workflowInfo } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import { autoApproval } from '../../domain/returns';
import type { ReceiptOutcome, ReturnInput, ReturnOutcome, ReturnRefund } from './process-return.messages';
import { orderRefunds, returns, search } from './return-steps';
import { TrackedReturn } from './tracked-return';

/**
 * return-<rmaId>: a customer's return, from its approval to the units back on the shelf and the
 * refund asked of the order. Nobody deciding in time, or a label left unused, ends it as expired.
 * The order hears each step, and does not close while the return is open.
 */
export async function processReturn(input: ReturnInput): Promise<ReturnOutcome> {
  const rma = new TrackedReturn(input);
  const outcome = await returnGoods(rma);
  await rma.ended();
  return outcome;
}

/** Approved (or not), labelled, received, restocked and refunded: the return's own steps. */
async function returnGoods(rma: TrackedReturn): Promise<ReturnOutcome> {
  const { input } = rma;
  const approval = await awaitApproval(rma);
  if (approval.status !== 'approved') return approval.outcome;
  await sendReturnLabel(rma);
  const receipt = await awaitReceipt(rma);
  if (!receipt) return expireUnusedLabel(rma);
  const outcome = await restockReturnedUnits(rma);
  return { status: 'received', rmaId: input.rmaId, ...outcome };
}

type Approval = { status: 'approved' } | { status: 'ended'; outcome: ReturnOutcome };

/** Small returns of orders risk did not flag are approved at once; the rest wait for support until the deadline. */
async function awaitApproval(rma: TrackedReturn): Promise<Approval> {
  const { rmaId, orderId, amount, riskLevel, policy } = rma.input;
  const auto = autoApproval(amount, riskLevel, { maxAmount: policy.autoApproveBelow });
  if (auto.approve) {
    await returns.moveReturn({ rmaId, from: ['requested'], to: 'approved', approval: 'auto', reason: 'auto-approved', decidedBy: 'rules' });
    rma.move('approved', { approval: 'auto' });
    return { status: 'approved' };
  }
  log.info('return waits for support', { rmaId, why: auto.why });
  const decided = await condition(() => rma.decision !== undefined, policy.approvalTimeout);
  if (!decided) {
    await returns.moveReturn({ rmaId, from: ['requested'], to: 'expired', expiredReason: 'approval-deadline' });
    rma.move('expired');
    await returns.tellSupportReturnExpired({ rmaId, orderId, supportEmail: policy.supportEmail });
    return { status: 'ended', outcome: { status: 'expired', rmaId, reason: 'approval-deadline' } };
  }
  const decision = rma.decision!;
  await returns.recordReturnDecision({ actionId: decision.updateId, rmaId, orderId, actorId: decision.actorId, actorRole: decision.actorRole, decision: decision.decision, reason: decision.reason });
  if (decision.decision === 'deny') {
    await returns.moveReturn({ rmaId, from: ['requested'], to: 'denied', decidedBy: decision.actorId, reason: decision.reason });
    rma.move('denied');
    return { status: 'ended', outcome: { status: 'denied', rmaId, reason: decision.reason } };
  }
  await returns.moveReturn({ rmaId, from: ['requested'], to: 'approved', approval: 'support', decidedBy: decision.actorId, reason: decision.reason });
  rma.move('approved', { approval: 'support' });
  return { status: 'approved' };
}

/** The return label, bought once at the carrier, and its email to the customer. */
async function sendReturnLabel(rma: TrackedReturn): Promise<void> {
  const { rmaId, orderId, policy } = rma.input;
  const returnBy = new Date(Date.now() + msToNumber(policy.labelValidity)).toISOString();
  const label = await returns.buyReturnLabel({ rmaId, returnBy });
  await returns.queueReturnLabelEmail({ rmaId, orderId, label });
  await returns.moveReturn({ rmaId, from: ['approved'], to: 'label_sent' });
  rma.move('label_sent', { warehouseCode: label.warehouseCode, trackingNumber: label.trackingNumber, returnBy: label.returnBy });
}

/** The warehouse's receipt, or nothing once the label's validity ran out. */
async function awaitReceipt(rma: TrackedReturn): Promise<boolean> {
  return condition(() => rma.receipt !== undefined, rma.input.policy.labelValidity);
}

async function expireUnusedLabel(rma: TrackedReturn): Promise<ReturnOutcome> {
  const { rmaId } = rma.input;
  await returns.voidReturnLabel({ rmaId });
  await returns.moveReturn({ rmaId, from: ['label_sent'], to: 'expired', expiredReason: 'label-unused' });
  rma.move('expired');
  return { status: 'expired', rmaId, reason: 'label-unused' };
}

/**
 * Restockable units back on the shelf and damaged ones written off (once), search and the product
 * cache brought up to date, then the refund of the accepted units asked of the order.
 */
async function restockReturnedUnits(rma: TrackedReturn): Promise<{ restockable: number; damaged: number; refundAmount: number }> {
  const { rmaId } = rma.input;
  const receipt = rma.receipt!;
  const { productIds } = await returns.receiveReturnedUnits({ rmaId, receivedBy: receipt.receivedBy, lines: receipt.lines });
  rma.move('received');
  await returns.invalidateProductCache(productIds);
  await search.indexProducts(productIds);
  const refund = await requestRefund(rmaId);
  const lines: ReceiptOutcome['lines'] = rma.input.lines.map((line) => {
    const units = receipt.lines.find((inspected) => inspected.orderItemId === line.orderItemId)?.units ?? [];
    const restockable = units.filter((unit) => unit === 'restockable').length;
    return { orderItemId: line.orderItemId, sku: line.sku, restockable, damaged: units.length - restockable, units };
  });
  rma.outcome = { rmaId, lines, refundAmount: refund.amount, refund };
  log.info('return received', { rmaId, workflowId: workflowInfo().workflowId, refundAmount: refund.amount });
  const sum = (pick: (line: ReceiptOutcome['lines'][number]) => number) => lines.reduce((total, line) => total + pick(line), 0);
  return { restockable: sum((line) => line.restockable), damaged: sum((line) => line.damaged), refundAmount: refund.amount };
}

/** The order answers: a refund it started, or its refusal. Runs from before that recorded the price as pending. */
async function requestRefund(rmaId: string): Promise<ReturnRefund> {
  if (patched('return-refund-through-order')) return orderRefunds.requestOrderRefund({ rmaId });
  const { amount } = await returns.requestReturnRefund({ rmaId });
  return { status: 'refund_pending', amount };
}
