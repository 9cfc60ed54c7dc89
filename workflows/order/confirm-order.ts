import type { StatusChange } from '../../activities/orders/order-activities';
import type { Saga } from '../shared/saga';
import { bestEffort, indexOrder } from './best-effort';
import { followUps } from './order-steps';
import { parcelRows, planParcels, startShipments } from './ship-order';
import type { TrackedOrder } from './tracked-order';

/**
 * The order stands: by checkout itself, or by support approving the risk review (the first
 * answer was on_hold then). Nothing placing it did is undone from here. It is confirmed with
 * the parcels it ships as, and their workflows start.
 */
export async function confirmOrder(order: TrackedOrder, saga: Saga, event: 'confirm' | 'approveRisk', review: Pick<StatusChange, 'riskReviewedBy'> = {}): Promise<void> {
  const totals = order.view.totals!;
  const parcels = planParcels(order);
  await order.move(event, { notification: { template: 'order-confirmed', payload: { total: totals.total } }, parcels: parcelRows(parcels), ...review });
  saga.commit();
  if (event === 'confirm') order.result = { status: 'confirmed', orderId: order.id, totals };
  order.note('confirmed');
  // Nobody waits on these, so they run side by side after the answer; a cart or the search index
  // lagging must not undo the order.
  const skus = order.view.lines.map((line) => line.sku);
  await Promise.all([
    startShipments(order, parcels),
    bestEffort(order, 'clear the cart', () => followUps.clearOrderedLines({ cartId: order.cartId, skus })),
    indexOrder(order),
  ]);
}
