import { transition, type OrderStatus } from './order-state';

/**
 * What the reservation sweep does with stock an order holds past the reservation's expiry. The
 * checkout workflow releases stock itself; the sweep only heals what a workflow left behind
 * (terminated by an operator, reset, a bug), and never takes stock from an order that may still
 * ship.
 */
export type ExpiredReservationAction =
  /** The order will never use the stock again. */
  | { kind: 'release' }
  /** The order's workflow ended before deciding: release the stock and end the order. */
  | { kind: 'end-order'; status: OrderStatus }
  /** The order's workflow still runs: it owns the stock and its deadlines. */
  | { kind: 'keep' }
  /** The order was accepted, so the stock may be its goods: a person decides. */
  | { kind: 'escalate' };

/** Rejected and cancelled orders never need stock again, whatever their workflow does. */
export const freesStock = (status: OrderStatus): boolean => status === 'rejected' || status === 'cancelled';

/**
 * The order-state events that end an order checkout left undecided: a pending order gets no
 * answer any more (as when checkout fails), an order in risk review is cancelled.
 */
const endings = { pending: 'reject', on_hold: 'cancel' } as const;

export function expiredReservationAction(status: OrderStatus, workflowOpen: boolean): ExpiredReservationAction {
  if (freesStock(status)) return { kind: 'release' };
  if (workflowOpen) return { kind: 'keep' };
  const ending = endings[status as keyof typeof endings];
  if (!ending) return { kind: 'escalate' };
  const ended = transition({ status, labelPurchased: false, fulfillmentHeld: false }, { type: ending });
  return ended.ok ? { kind: 'end-order', status: ended.state.status } : { kind: 'escalate' };
}
