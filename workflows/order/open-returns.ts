import { isReturnFinal } from '../../domain/returns';
import type { RefundStage } from '../refund/refund-payment.messages';
import type { ReturnReport } from '../returns/process-return.messages';
import type { TrackedOrder } from './tracked-order';

const inFlight: ReadonlySet<RefundStage> = new Set(['requested', 'awaiting_approval', 'processing']);

/**
 * A return's report (each return sends them one after another): it is open until it ends
 * (received, denied, expired), and its steps show on the order's timeline.
 */
export function receiveReturnReport(order: TrackedOrder, report: ReturnReport): void {
  const open = (order.view.openReturns ??= []);
  if (isReturnFinal(report.status)) order.view.openReturns = open.filter((rmaId) => rmaId !== report.rmaId);
  else if (!open.includes(report.rmaId)) open.push(report.rmaId);
  order.note(`return ${report.status.replace('_', ' ')}`, report.rmaId);
}

/** Nothing the order still owes an answer to: no return open and no refund on its way (one waiting for approval included). */
export function nothingOpen(order: TrackedOrder): boolean {
  return (order.view.openReturns ?? []).length === 0 && !(order.view.refunds ?? []).some((refund) => inFlight.has(refund.stage));
}
