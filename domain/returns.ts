/**
 * Returns (RMAs): pure rules shared by the API, the return workflow and its activities.
 *
 * A return is requested (validated against what was delivered and the window), then approved
 * (automatically by `autoApproval`, or by support) or denied, or it expires when nobody decides.
 * An approved return gets a label (label_sent); the warehouse receives it (received) with an
 * inspection per unit, or the unused label is voided and the return expires.
 */

export const returnReasonCodes = ['damaged', 'wrong-item', 'not-as-described', 'changed-mind'] as const;
export type ReturnReasonCode = (typeof returnReasonCodes)[number];
export const isReturnReasonCode = (code: string): code is ReturnReasonCode => (returnReasonCodes as readonly string[]).includes(code);

/** The returns_status_check constraint accepts exactly these. */
export const returnStatuses = ['requested', 'approved', 'label_sent', 'received', 'denied', 'expired'] as const;
export type ReturnStatus = (typeof returnStatuses)[number];
export const isReturnFinal = (status: ReturnStatus): boolean => status === 'received' || status === 'denied' || status === 'expired';

export const inspectionOutcomes = ['restockable', 'damaged'] as const;
export type InspectionOutcome = (typeof inspectionOutcomes)[number];

/** Typed refusals: each is the problem type `/problems/<code>` of the API. */
export const returnRefusalCodes = [
  'window-closed',
  'not-delivered',
  'nothing-to-return',
  'quantity-exceeds-delivered',
  'unknown-order-line',
  'duplicate-order-line',
  'invalid-reason-code',
  'return-not-pending',
  'return-not-awaiting-receipt',
  'inspection-mismatch',
  'wrong-warehouse',
] as const;
export type ReturnRefusalCode = (typeof returnRefusalCodes)[number];
export const isReturnRefusalCode = (code: string | undefined | null): code is ReturnRefusalCode =>
  (returnRefusalCodes as readonly string[]).includes(code ?? '');

export interface ReturnRefusal {
  code: ReturnRefusalCode;
  message: string;
  details?: Record<string, unknown>;
}

/** One order line as far as returns are concerned. */
export interface ReturnableLine {
  orderItemId: string;
  sku: string;
  unitPriceAmount: number;
  delivered: number;
  /** Units of this line in live (not denied, not expired) returns. */
  alreadyReturned: number;
}

export interface RequestedLine {
  orderItemId: string;
  quantity: number;
}

export interface ReturnRequestContext {
  /** When the last delivered parcel of the order was delivered; null while nothing is delivered. */
  deliveredAt: Date | null;
  now: Date;
  windowMs: number;
  lines: ReturnableLine[];
}

export type ReturnRequestDecision =
  | { ok: true; lines: (RequestedLine & { sku: string; unitPriceAmount: number })[]; amount: number }
  | { ok: false; refusal: ReturnRefusal };

const refuse = (code: ReturnRefusalCode, message: string, details?: Record<string, unknown>): ReturnRequestDecision => ({
  ok: false,
  refusal: { code, message, ...(details && { details }) },
});

/** Units still returnable for a line: delivered minus what live returns already hold. */
export const returnableUnits = (line: ReturnableLine): number => Math.max(0, line.delivered - line.alreadyReturned);

/** The customer's request judged against the order as delivered. The database checks the sum again. */
export function validateReturnRequest(requested: RequestedLine[], reasonCode: string, ctx: ReturnRequestContext): ReturnRequestDecision {
  if (!isReturnReasonCode(reasonCode)) return refuse('invalid-reason-code', `reason code must be one of ${returnReasonCodes.join(', ')}`);
  if (ctx.deliveredAt === null) return refuse('not-delivered', 'nothing of this order has been delivered yet');
  const closesAt = ctx.deliveredAt.getTime() + ctx.windowMs;
  if (ctx.now.getTime() > closesAt) {
    return refuse('window-closed', 'the return window of this order has closed', { closedAt: new Date(closesAt).toISOString() });
  }
  if (!ctx.lines.some((line) => returnableUnits(line) > 0)) return refuse('nothing-to-return', 'every delivered unit is already returned');
  if (requested.length === 0) return refuse('nothing-to-return', 'name at least one line to return');
  const byId = new Map(ctx.lines.map((line) => [line.orderItemId, line]));
  const seen = new Set<string>();
  const accepted: (RequestedLine & { sku: string; unitPriceAmount: number })[] = [];
  for (const { orderItemId, quantity } of requested) {
    const line = byId.get(orderItemId);
    if (!line) return refuse('unknown-order-line', `order line ${orderItemId} is not part of this order`, { orderItemId });
    if (seen.has(orderItemId)) return refuse('duplicate-order-line', `order line ${orderItemId} is named twice`, { orderItemId });
    seen.add(orderItemId);
    if (!Number.isSafeInteger(quantity) || quantity <= 0) throw new RangeError('quantity must be a positive integer');
    const left = returnableUnits(line);
    if (quantity > left) {
      return refuse('quantity-exceeds-delivered', `only ${left} unit(s) of ${line.sku} can still be returned`, {
        orderItemId,
        sku: line.sku,
        returnable: left,
        requested: quantity,
      });
    }
    accepted.push({ orderItemId, quantity, sku: line.sku, unitPriceAmount: line.unitPriceAmount });
  }
  return { ok: true, lines: accepted, amount: accepted.reduce((sum, line) => sum + line.quantity * line.unitPriceAmount, 0) };
}

export interface AutoApprovalPolicy {
  /** Returns worth less than this (minor units) are approved without support. */
  maxAmount: number;
}

export type ApprovalDecision = { approve: true } | { approve: false; why: 'amount-over-limit' | 'risk-flagged' };

/** Small returns of orders risk did not flag are approved at once; the rest wait for support. */
export function autoApproval(amount: number, riskLevel: 'low' | 'medium' | 'high' | null, policy: AutoApprovalPolicy): ApprovalDecision {
  if (riskLevel === 'high' || riskLevel === 'medium') return { approve: false, why: 'risk-flagged' };
  if (amount >= policy.maxAmount) return { approve: false, why: 'amount-over-limit' };
  return { approve: true };
}

export interface LineInspection {
  orderItemId: string;
  /** One entry per unit received. */
  units: InspectionOutcome[];
}

export interface InspectedLine {
  orderItemId: string;
  sku: string;
  quantity: number;
  unitPriceAmount: number;
  restockable: number;
  damaged: number;
}

/** An inspection must name every line of the return once, with no more units than were sent back. */
export function checkInspection(
  lines: { orderItemId: string; sku: string; quantity: number; unitPriceAmount: number }[],
  inspection: LineInspection[],
): { ok: true; lines: InspectedLine[] } | { ok: false; refusal: ReturnRefusal } {
  const byId = new Map(inspection.map((entry) => [entry.orderItemId, entry]));
  if (byId.size !== inspection.length || inspection.some((entry) => !lines.some((line) => line.orderItemId === entry.orderItemId))) {
    return { ok: false, refusal: { code: 'inspection-mismatch', message: 'each line of the return is inspected once, and only lines of the return' } };
  }
  const inspected: InspectedLine[] = [];
  for (const line of lines) {
    const units = byId.get(line.orderItemId)?.units ?? [];
    if (units.length > line.quantity) {
      return {
        ok: false,
        refusal: { code: 'inspection-mismatch', message: `${units.length} unit(s) of ${line.sku} inspected, ${line.quantity} returned` },
      };
    }
    const restockable = units.filter((unit) => unit === 'restockable').length;
    inspected.push({ ...line, restockable, damaged: units.length - restockable });
  }
  return { ok: true, lines: inspected };
}

/**
 * Units refunded: every restockable unit, and damaged units when the customer said the fault was
 * ours (damaged, wrong item, not as described). A customer who changed their mind gets nothing
 * for a unit that came back damaged.
 */
export function acceptedUnits(reasonCode: ReturnReasonCode, line: Pick<InspectedLine, 'restockable' | 'damaged'>): number {
  return line.restockable + (reasonCode === 'changed-mind' ? 0 : line.damaged);
}

export function refundAmountFor(reasonCode: ReturnReasonCode, lines: InspectedLine[]): number {
  return lines.reduce((sum, line) => sum + acceptedUnits(reasonCode, line) * line.unitPriceAmount, 0);
}

/**
 * The refund of the accepted units, as the order answered the return's request: requested (a
 * refund-<refundId> of the order runs), refused by the order with its reason, or nothing to refund
 * (no unit accepted).
 */
export type ReturnRefund =
  | { status: 'refund_requested'; refundId: string; amount: number }
  | { status: 'refund_refused'; reason: string; amount: 0 }
  | { status: 'nothing_to_refund'; amount: 0 }
  /** Runs from before refunds went through the order: the accepted units' price, recorded on the return. */
  | { status: 'refund_pending'; amount: number };

/** The id of the workflow that carries a return. */
export const returnWorkflowId = (rmaId: string): string => `return-${rmaId}`;
