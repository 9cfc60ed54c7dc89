import { Context, log } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findOrderStatus, setOrderStatus } from '../../db/orders';
import { findCancellablePayments } from '../../db/payments';
import { findReservations, productIdsOf, releaseReservations } from '../../db/reservations';
import { expiredReservationAction, freesStock } from '../../domain/expired-reservation';
import { orderWorkflowStatus } from '../../platform/temporal/order-workflow-status';

export interface ExpiredReservationsSettled {
  /** Orders whose expired stock went back (those ended here included). */
  released: string[];
  /** Pending or on-hold orders whose workflow had ended: ended here, their stock released. */
  ended: string[];
  /** Orders whose workflow still runs: it owns the stock. */
  kept: string[];
  /** Accepted orders whose workflow does not run: left for ops. */
  escalated: string[];
  /** The products of every released order, so a retry after a lost answer still announces them. */
  productIds: string[];
}

export const EXPIRED_CHECKOUT_REASON = 'reservation expired after its checkout ended';

/**
 * Applies domain/expired-reservation.ts to each order: stock goes back through the one
 * release path (releaseReservations), which changes only what is still reserved, so nothing
 * is restored twice however often this runs.
 */
export async function settleExpiredReservations(db: Kysely<Database>, orderIds: string[]): Promise<ExpiredReservationsSettled> {
  const { client } = Context.current();
  const settled: ExpiredReservationsSettled = { released: [], ended: [], kept: [], escalated: [], productIds: [] };
  const productIds = new Set<string>();
  for (const orderId of orderIds) {
    const status = await findOrderStatus(db, orderId);
    if (!status) continue;
    const workflow = freesStock(status) ? undefined : await orderWorkflowStatus(client, orderId);
    const action = expiredReservationAction(status, workflow === 'RUNNING' || workflow === 'PAUSED');
    if (action.kind === 'keep') {
      log.info('expired reservations kept: the order workflow still owns them', { orderId, status, workflow });
      settled.kept.push(orderId);
      continue;
    }
    if (action.kind === 'escalate') {
      log.warn('expired reservations of an accepted order whose workflow is not running; left for ops', { orderId, status, workflow });
      settled.escalated.push(orderId);
      continue;
    }
    // Release before ending the order: a retry in between still sees an order to end.
    const { released } = await releaseReservations(db, orderId);
    settled.released.push(orderId);
    for (const productId of await productIdsOf(db, await findReservations(db, orderId))) productIds.add(productId);
    if (action.kind === 'end-order') {
      // A customer told their order is in review hears that it ended; a checkout that never answered has nobody waiting.
      const notification = action.status === 'cancelled' ? ({ template: 'order-cancelled', payload: { reason: EXPIRED_CHECKOUT_REASON } } as const) : undefined;
      await setOrderStatus(db, orderId, { status: action.status, reason: EXPIRED_CHECKOUT_REASON, notification });
      settled.ended.push(orderId);
      log.warn('order workflow ended without releasing its stock; order ended and stock released', { orderId, from: status, to: action.status, workflow, lines: released.length });
      const payments = await findCancellablePayments(db, orderId);
      if (payments.length > 0) {
        log.warn('the ended order still holds a payment that may hold money; cancel it with the provider', { orderId, payments: payments.map((p) => p.id) });
      }
    } else if (released.length > 0) {
      log.info('expired reservations of a finished order released', { orderId, status, lines: released.length });
    }
  }
  settled.productIds = [...productIds].sort();
  return settled;
}
