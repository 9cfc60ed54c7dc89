import type { StatusNotification } from '../../activities/orders/order-activities';
import { trackingLink } from '../../domain/tracking-link';
import type { ParcelTracking } from '../shipment/ship-parcel.messages';
import { bestEffort } from './best-effort';
import type { ShipmentSummary } from './order.messages';
import { steps } from './order-steps';
import type { TrackedOrder } from './tracked-order';

/**
 * What the customer's fulfillment emails say about their parcels, queued in the notifications
 * outbox (a sender drains it): the shipped and partially shipped emails list every parcel with
 * the carrier so far, each with its carrier, tracking number and tracking link; a late parcel
 * gets its own email, once per parcel, without moving the order's status.
 */
export function notifyHandedOver(shipments: readonly ShipmentSummary[], shipment: ShipmentSummary, report: ParcelTracking, allGone: boolean): StatusNotification {
  learnTracking(shipment, report);
  const parcels = shipments.filter((s) => s.stage === 'handed_over' || s.stage === 'delivered').map(trackedParcel);
  return { template: allGone ? 'order-shipped' : 'order-partially-shipped', payload: { shipmentId: shipment.shipmentId, parcels } };
}

/** Queued once per parcel (the outbox's dedupe key is order, template and shipment); a miss is noted, never fatal. */
export async function notifyLate(order: TrackedOrder, shipment: ShipmentSummary, report: ParcelTracking): Promise<void> {
  learnTracking(shipment, report);
  await bestEffort(order, 'queue the late parcel email', () =>
    steps.queueNotification({ orderId: order.id, template: 'order-late', about: shipment.shipmentId, payload: { shipmentId: shipment.shipmentId, parcel: trackedParcel(shipment) } }),
  );
}

/**
 * The parcel's label, as its report tells it: kept on the order's view with the link the customer
 * follows, the carrier's own tracking page (EasyPost's tracker) or, without one, the carrier's site.
 */
function learnTracking(shipment: ShipmentSummary, { carrier, trackingNumber, trackingUrl }: ParcelTracking): void {
  if (!carrier || !trackingNumber) return;
  const link = trackingUrl ?? trackingLink(carrier, trackingNumber);
  Object.assign(shipment, { carrier, trackingNumber, ...(link && { trackingUrl: link }) });
}

const trackedParcel = (s: ShipmentSummary) => ({
  shipmentId: s.shipmentId,
  warehouseCode: s.warehouseCode,
  carrier: s.carrier ?? null,
  trackingNumber: s.trackingNumber ?? null,
  trackingUrl: s.trackingUrl ?? null,
});
