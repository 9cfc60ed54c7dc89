import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { recordReturnRefund, returnRefundOf, type ReturnWithLines } from '../../db/returns';
import type { RefundReason } from '../../domain/refund-plan';
import { acceptedUnits, type ReturnReasonCode, type ReturnRefund } from '../../domain/returns';
import { requestOrderRefund } from '../../platform/temporal/request-order-refund';

/** How a return's reason reads as a refund's reason (a damaged unit's shipping share goes back with it). */
const refundReasonOf: Record<ReturnReasonCode, RefundReason> = {
  damaged: 'damaged',
  'wrong-item': 'wrong-item',
  'not-as-described': 'other',
  'changed-mind': 'customer-request',
};

/**
 * The goods came back and were inspected, and the return itself was approved (by the rules or by
 * support): that is the decision, so the refund does not wait for a second one.
 */
const APPROVED_BY_THE_RETURN = { threshold: Number.MAX_SAFE_INTEGER, deadline: '1 day' } as const;

/**
 * Asks the order for the refund of the return's accepted units, through its `requestRefund`
 * update (the order owns the money, so this refund and any other cannot race), and records the
 * answer on the return. The update's id is derived from the return, and the order answers a
 * return that asks again with the refund it started: one refund per return, however often this runs.
 */
export async function askOrderToRefund(db: Kysely<Database>, rma: ReturnWithLines): Promise<ReturnRefund> {
  const answered = returnRefundOf(rma);
  if (answered) return answered;
  const lines = rma.lines
    .map((line) => ({ sku: line.sku, quantity: acceptedUnits(rma.reason_code, { restockable: line.restockable_quantity ?? 0, damaged: line.damaged_quantity ?? 0 }) }))
    .filter((line) => line.quantity > 0);
  if (lines.length === 0) return recordReturnRefund(db, rma.id, { status: 'nothing_to_refund', amount: 0 });
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  const answer = await requestOrderRefund(Context.current().client, rma.order_id, `return-${rma.id}/refund`, {
    actor: { id: `return-${rma.id}`, role: 'system' },
    reason: `return ${rma.id} received: ${units} unit(s) accepted`,
    refundReason: refundReasonOf[rma.reason_code],
    lines,
    note: `return reason: ${rma.reason_code}`,
    approval: APPROVED_BY_THE_RETURN,
    rmaId: rma.id,
  });
  if ('refusal' in answer) return recordReturnRefund(db, rma.id, { status: 'refund_refused', reason: answer.refusal, amount: 0 });
  const { refund } = answer;
  // A return asking again after its refund was refused gets that refund back, refused.
  if (refund.stage === 'refused') return recordReturnRefund(db, rma.id, { status: 'refund_refused', reason: refund.failureReason ?? 'refused', amount: 0 });
  return recordReturnRefund(db, rma.id, { status: 'refund_requested', refundId: refund.refundId, amount: refund.amount.amount });
}
