import type { Saga } from '../shared/saga';
import { endOrder } from './end-order';
import { confirmOrder } from './confirm-order';
import type { CarryOut } from './inbox';
import { steps } from './order-steps';
import { toPostalAddress } from './postal-address';
import type { TrackedOrder } from './tracked-order';

/** What the main flow does for each request the inbox hands it. Only this moves the order on a person's say-so. */
export function carryOut(order: TrackedOrder, saga: Saga): CarryOut {
  return async ({ event, reason, actor, address, requestId }) => {
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
        return order.move(event);
      case 'changeShippingAddress':
        await steps.updateShippingAddress({ orderId: order.id, address: toPostalAddress(address!) });
        order.view.shippingAddress = address!;
        return;
      default:
        throw new Error(`no action carries out ${event}`);
    }
  };
}
