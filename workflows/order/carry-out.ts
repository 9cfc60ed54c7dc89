import type { Saga } from '../shared/saga';
import { carryOutExpiryDeadline } from './capture-before-expiry';
import { endOrder } from './end-order';
import { confirmOrder } from './confirm-order';
import type { CarryOut } from './inbox';
import { holdParcels, readdressParcels } from './instruct-parcels';
import { audit, steps } from './order-steps';
import { toPostalAddress } from '../../domain/postal-address';
import { carryOutReport, parcelAlerts } from './ship-order';
import { cancelRest } from './cancel-rest';
import { nothingOpen } from './open-returns';
import { carryOutRefundReport, startRefund } from './refunds';
import type { TrackedOrder } from './tracked-order';

/**
 * What the main flow does for each entry the inbox hands it: a person's request (only this
 * moves the order on a person's say-so), a parcel's report, or the authorization's deadline.
 */
export function carryOut(order: TrackedOrder, saga: Saga, onDelivered: () => void): CarryOut {
  return async (entry) => {
    if (entry.kind === 'report') {
      await carryOutReport(order, entry.report, onDelivered);
      return order.flagParcelAlerts(parcelAlerts(order.view.shipments ?? []));
    }
    if (entry.kind === 'deadline') return carryOutExpiryDeadline(order);
    if (entry.kind === 'refund-report') return carryOutRefundReport(order, entry.report);
    if (entry.kind === 'cancel-rest') {
      const { request, requestId } = entry;
      await cancelRest(order, request, onDelivered);
      await audit.recordSupportAction({ actionId: requestId, actorId: request.actor.id, actorRole: request.actor.role, action: 'cancelRest', orderId: order.id, reason: request.reason, outcome: 'accepted' });
      return;
    }
    if (entry.kind === 'refund') {
      const { summary, request, requestId } = entry;
      await startRefund(order, summary, request);
      await audit.recordSupportAction({ actionId: requestId, actorId: request.actor.id, actorRole: request.actor.role, action: 'requestRefund', orderId: order.id, reason: request.reason, outcome: 'accepted' });
      return;
    }
    const { event, reason, actor, address, requestId } = entry;
    if (actor) {
      await steps.recordSupportAction({ actionId: requestId, actorId: actor.id, actorRole: actor.role, action: event, orderId: order.id, reason, outcome: 'accepted' });
      order.note(event, reason, actor.id);
    }
    switch (event) {
      case 'approveRisk':
        return confirmOrder(order, saga, 'approveRisk', { riskReviewedBy: actor!.id });
      case 'rejectRisk':
        return endOrder(order, event, reason, { riskReviewedBy: actor!.id });
      case 'cancel':
      case 'reviewExpired':
        return endOrder(order, event, reason);
      case 'hold':
      case 'release':
        await order.move(event);
        await holdParcels(order, { held: event === 'hold', actor: actor?.id ?? 'the order', reason });
        return;
      case 'close':
        // A return or refund opened since closing was asked: the closer asks again once it ends.
        if (!nothingOpen(order)) return order.note('closing put off', 'a return or refund is open');
        return order.move('close', { reason });
      case 'changeShippingAddress':
        await steps.updateShippingAddress({ orderId: order.id, address: toPostalAddress(address!) });
        order.view.shippingAddress = address!;
        await readdressParcels(order, { address: address!, actor: actor?.id ?? 'the order', reason });
        return;
      default:
        throw new Error(`no action carries out ${event}`);
    }
  };
}
