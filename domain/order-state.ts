/**
 * The order's state machine, run by the order workflow (processOrder). Requests are Updates
 * whose validators call the guards through `transition`: a refused request gets the reason and
 * never enters history. Facts from carriers and payments go through `transition`, which refuses what the
 * table does not allow.
 *
 * pending becomes confirmed, on_hold (risk review) or rejected. on_hold becomes confirmed
 * (approveRisk), rejected (rejectRisk: the review found it unacceptable, as checkout would
 * have) or cancelled (the review deadline, or a cancel). confirmed can be
 * cancelled until anything ships, then goes partially_shipped -> shipped -> delivered, and
 * from there returned / refunded -> closed when the return window ends. `orderTransitions` is
 * the whole table.
 *
 * rejected, cancelled and closed are final. Hold / release (support pausing fulfillment) and a
 * bought label are flags, not statuses: a held order is still confirmed, so `on_hold` keeps
 * its one meaning (waiting for risk review) for ops queries like OrderStatus="ON_HOLD".
 */

/**
 * Every order status: the one list. db/ takes its OrderStatus from here, and the
 * orders_status_check constraint (db/migrations/2026_11_21_0004_orders.ts) accepts exactly
 * these, as test/db/constraints.test.ts checks against PostgreSQL.
 */
export const orderStatuses = [
  'pending',
  'on_hold',
  'rejected',
  'confirmed',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
  'partially_refunded',
  'refunded',
  'closed',
] as const;
export type OrderStatus = (typeof orderStatuses)[number];

export interface OrderState {
  status: OrderStatus;
  /**
   * A shipping label exists for some parcel. It no longer stops an address change: the parcel
   * voids its label and buys one for the new address.
   */
  labelPurchased: boolean;
  /** Support paused fulfillment (hold / release). */
  fulfillmentHeld: boolean;
}

export const initialOrderState: OrderState = { status: 'pending', labelPurchased: false, fulfillmentHeld: false };

export const orderEventTypes = [
  // checkout's first answer
  'confirm',
  'holdForReview',
  'reject',
  // risk review (support updates, and the review deadline)
  'approveRisk',
  'rejectRisk',
  'reviewExpired',
  // support updates
  'cancel',
  'hold',
  'release',
  /**
   * Keeps the status. Allowed until something ships: each parcel not yet handed over takes the
   * new address (a label bought for the old one is voided and bought again).
   */
  'changeShippingAddress',
  // fulfillment facts
  'labelPurchased',
  'partiallyShipped',
  'shipped',
  'delivered',
  /** Everything came back: returned by the customer, or to sender by the carrier. */
  'returned',
  /**
   * Part of the money went back after fulfillment ended (delivered or returned). Refunds while
   * parcels are still on their way keep the status: they show on the ledger and RefundStatus.
   */
  'partiallyRefunded',
  /** Everything captured went back, after fulfillment ended. */
  'refunded',
  /** The return window ended. */
  'close',
] as const;
export type OrderEventType = (typeof orderEventTypes)[number];
export interface OrderEvent {
  type: OrderEventType;
}

/**
 * Why the order refuses a request. Each code is the `type` of the ApplicationFailure an update's
 * validator throws, and the API answers it as the problem type of the same name (409).
 */
export const refusalCodes = [
  'checkout-in-progress',
  'already-shipped',
  'order-final',
  'not-on-hold',
  'in-risk-review',
  'nothing-left-to-ship',
  'already-held',
  'not-held',
  'illegal-transition',
  'reason-required',
  'customer-not-allowed',
  /** Refunds (workflows/refund): more than captured - refunded - refunds in flight. */
  'refund-exceeds-refundable',
  'refund-invalid',
  'nothing-captured',
  'refund-not-awaiting-approval',
  'self-approval',
  'not-an-admin',
  /** Cancel the rest: nothing is left that has not been handed over (the parcel refusal is parcel-already-handed-over). */
  'nothing-left-to-cancel',
] as const;
export type RefusalCode = (typeof refusalCodes)[number];
export const isRefusalCode = (code: string | undefined | null): code is RefusalCode => (refusalCodes as readonly string[]).includes(code ?? '');

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export type OrderTransition = { ok: true; state: OrderState } | { ok: false; refusal: Refusal };

const finalStatuses: ReadonlySet<OrderStatus> = new Set(['rejected', 'cancelled', 'closed']);
/** Something left a warehouse. */
const shippedStatuses: ReadonlySet<OrderStatus> = new Set(['partially_shipped', 'shipped', 'delivered', 'returned', 'partially_refunded', 'refunded']);

export const isFinal = (status: OrderStatus): boolean => finalStatuses.has(status);
export const hasShipped = (status: OrderStatus): boolean => shippedStatuses.has(status);

/**
 * Status changes as data: event -> status it may happen in -> status after it. Events absent
 * for a status are refused. hold, release and labelPurchased keep the status and set a flag.
 */
export const orderTransitions: Readonly<Record<OrderEventType, Readonly<Partial<Record<OrderStatus, OrderStatus>>>>> = {
  confirm: { pending: 'confirmed' },
  holdForReview: { pending: 'on_hold' },
  reject: { pending: 'rejected' },
  approveRisk: { on_hold: 'confirmed' },
  rejectRisk: { on_hold: 'rejected' },
  reviewExpired: { on_hold: 'cancelled' },
  cancel: { on_hold: 'cancelled', confirmed: 'cancelled' },
  hold: { confirmed: 'confirmed', partially_shipped: 'partially_shipped' },
  // Release stays possible after the rest shipped anyway, so a stale hold can always be cleared.
  release: {
    confirmed: 'confirmed',
    partially_shipped: 'partially_shipped',
    shipped: 'shipped',
    delivered: 'delivered',
    returned: 'returned',
    partially_refunded: 'partially_refunded',
    refunded: 'refunded',
  },
  changeShippingAddress: { on_hold: 'on_hold', confirmed: 'confirmed' },
  labelPurchased: { confirmed: 'confirmed', partially_shipped: 'partially_shipped' },
  partiallyShipped: { confirmed: 'partially_shipped', partially_shipped: 'partially_shipped' },
  shipped: { confirmed: 'shipped', partially_shipped: 'shipped' },
  delivered: { shipped: 'delivered' },
  returned: { shipped: 'returned', delivered: 'returned' },
  partiallyRefunded: { delivered: 'partially_refunded', returned: 'partially_refunded', partially_refunded: 'partially_refunded' },
  refunded: { delivered: 'refunded', returned: 'refunded', partially_refunded: 'refunded' },
  close: { delivered: 'closed', returned: 'closed', partially_refunded: 'closed', refunded: 'closed' },
};

const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });

const pending = (): Refusal => refuse('checkout-in-progress', 'checkout is still deciding on this order; try again in a moment');
const final = (status: OrderStatus): Refusal => refuse('order-final', `the order is ${status}: nothing can change any more`);

type Guard = (state: OrderState) => Refusal | undefined;

export const canCancel: Guard = ({ status }) => {
  if (status === 'pending') return pending();
  if (isFinal(status)) return final(status);
  if (hasShipped(status)) {
    return refuse('already-shipped', `the order is ${status}: something has left the warehouse, so it needs a return or refund instead`);
  }
  return undefined;
};

export const canHold: Guard = ({ status, fulfillmentHeld }) => {
  if (status === 'pending') return pending();
  if (isFinal(status)) return final(status);
  if (status === 'on_hold') return refuse('in-risk-review', 'the order is already held for risk review; approve or reject it instead');
  if (status !== 'confirmed' && status !== 'partially_shipped') return refuse('nothing-left-to-ship', `the order is ${status}: nothing is left to hold`);
  if (fulfillmentHeld) return refuse('already-held', 'fulfillment is already held');
  return undefined;
};

export const canRelease: Guard = ({ status, fulfillmentHeld }) => {
  if (isFinal(status)) return final(status);
  if (!fulfillmentHeld) return refuse('not-held', 'fulfillment is not held');
  return undefined;
};

const riskReview =
  (action: string): Guard =>
  ({ status }) =>
    status === 'on_hold' ? undefined : refuse('not-on-hold', `only an order held for risk review can be ${action}; this one is ${status}`);

export const canApproveRisk: Guard = riskReview('approved');
export const canRejectRisk: Guard = riskReview('rejected');

/**
 * A label bought for the old address does not refuse the change: the parcel voids it and buys
 * another. Once a parcel is with the carrier, the address is on its way: refused.
 */
export const canUpdateShippingAddress: Guard = ({ status }) => {
  if (status === 'pending') return pending();
  if (isFinal(status)) return final(status);
  if (hasShipped(status)) return refuse('already-shipped', `the order is ${status}: the address is on a parcel already on its way`);
  return undefined;
};

/** Support updates share their guard with the transition, so both refuse with the same reason. */
const guards: Partial<Record<OrderEventType, Guard>> = {
  cancel: canCancel,
  hold: canHold,
  release: canRelease,
  approveRisk: canApproveRisk,
  rejectRisk: canRejectRisk,
  changeShippingAddress: canUpdateShippingAddress,
};

const flags: Partial<Record<OrderEventType, Partial<Pick<OrderState, 'labelPurchased' | 'fulfillmentHeld'>>>> = {
  hold: { fulfillmentHeld: true },
  release: { fulfillmentHeld: false },
  labelPurchased: { labelPurchased: true },
};

/** Who may ask for what, whatever the status: customers may only cancel, and every request says why. */
export function refusesRequester(event: OrderEventType, request: { actor: { role: string }; reason: string }): Refusal | undefined {
  if (!request.reason?.trim()) return refuse('reason-required', 'a reason is required');
  if (request.actor.role === 'customer' && event !== 'cancel') return refuse('customer-not-allowed', 'customers may only cancel; support does the rest');
  return undefined;
}

export function transition(state: OrderState, event: OrderEvent): OrderTransition {
  const refusal = guards[event.type]?.(state);
  if (refusal) return { ok: false, refusal };
  const next = orderTransitions[event.type][state.status];
  if (!next) return { ok: false, refusal: refuse('illegal-transition', `${event.type} cannot happen to an order that is ${state.status}`) };
  return { ok: true, state: { ...state, ...flags[event.type], status: next } };
}
