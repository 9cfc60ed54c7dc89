import { getExternalWorkflowHandle, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import type { StatusChange } from '../../activities/orders/order-activities';
import { captureAtHandover, parcelShares } from '../../domain/capture-plan';
import { parcelWorkflowOptions } from '../shipment/parcel-workflow-options';
import { shipmentWorkflowId, shipParcelWorkflowType, type ParcelReport, type ShipParcelInput, type ShipParcelWorkflow } from '../shipment/ship-parcel.messages';
import { finalCaptureTaken, startCapture } from './captures';
import { notifyHandedOver, notifyLate } from './fulfillment-emails';
import { carryOutAddressReport, isAddressReport, notYetHandedOver } from './instruct-parcels';
import type { ShipmentSummary } from './order.messages';
import { toPostalAddress } from '../../domain/postal-address';
import type { TrackedOrder } from './tracked-order';

/** The parcels' deadlines, when the order was given shorter ones (tests, demos). */
export type ParcelDeadlines = Pick<ShipParcelInput, 'labelDeadline' | 'deliveryGrace' | 'trackingPollAfter'>;

/**
 * The parcels a confirmed order ships as: one per warehouse of its allocation, each with an id
 * of its own and its share of the shipping the customer paid (kept beside its label's real cost).
 */
export function planParcels(order: TrackedOrder): ShipParcelInput[] {
  const parcels = order.view.reservations.map((reserved) => ({ shipmentId: uuid4(), reserved, lines: reserved.lines.map(({ sku, quantity }) => ({ sku, quantity })) }));
  const shares = parcelShares(order.view.totals!, parcels.map(({ shipmentId, lines }) => ({ parcelId: shipmentId, lines })));
  return parcels.map(({ shipmentId, reserved, lines }, i) => ({
    shipmentId,
    orderId: order.id,
    warehouseId: reserved.warehouseId,
    warehouseCode: reserved.warehouseCode,
    lines,
    shipTo: order.view.shippingAddress,
    speed: order.shippingSpeed,
    quoted: shares[i]!.shipping,
    ...order.parcelDeadlines,
  }));
}

/** The parcels' rows, written with the confirmation itself: no confirmed order without its parcels. */
export const parcelRows = (parcels: ShipParcelInput[]): StatusChange['parcels'] =>
  parcels.map((parcel) => ({ id: parcel.shipmentId, warehouseId: parcel.warehouseId, shipTo: toPostalAddress(parcel.shipTo), lines: parcel.lines, charged: parcel.quoted }));

/**
 * One shipment child per parcel, all started at once. They outlive a run that continues as new
 * (ABANDON), and report back to order-<orderId>.
 */
export async function startShipments(order: TrackedOrder, parcels: ShipParcelInput[]): Promise<void> {
  order.view.shipments = parcels.map(
    (parcel): ShipmentSummary => ({ shipmentId: parcel.shipmentId, warehouseCode: parcel.warehouseCode, lines: parcel.lines, stage: 'started', late: false }),
  );
  await Promise.all(
    parcels.map((parcel) => startChild<ShipParcelWorkflow>(shipParcelWorkflowType, { ...parcelWorkflowOptions(parcel), parentClosePolicy: ParentClosePolicy.ABANDON, args: [parcel] })),
  );
  order.note('shipments started', parcels.map((p) => `${p.warehouseCode}: shipment-${p.shipmentId}`).join('; '));
}

/** Parcels not yet with the carrier stop when the order will not ship; those handed over go on. */
export async function stopShipments(order: TrackedOrder): Promise<void> {
  for (const shipment of (order.view.shipments ?? []).filter(notYetHandedOver)) {
    await getExternalWorkflowHandle(shipmentWorkflowId(shipment.shipmentId)).cancel();
    shipment.stage = 'cancelled';
  }
}

/** What a parcel's report does to its order: status, captures, the return window. */
export async function carryOutReport(order: TrackedOrder, report: ParcelReport, onDelivered: () => void): Promise<void> {
  const shipments = order.view.shipments ?? [];
  const shipment = shipments.find((s) => s.shipmentId === report.shipmentId);
  if (!shipment) return order.note(`report from an unknown parcel: ${report.kind}`, report.shipmentId);
  if (isAddressReport(report)) return carryOutAddressReport(order, shipment, report);
  order.note(`parcel ${report.kind}`, 'detail' in report ? `${report.shipmentId}: ${report.detail}` : report.shipmentId);
  switch (report.kind) {
    case 'handed-over': {
      const before = shipments.filter((s) => s.stage === 'handed_over' || s.stage === 'delivered').map((s) => s.shipmentId);
      shipment.stage = 'handed_over';
      await captureForHandover(order, shipment.shipmentId, before);
      const allGone = shipments.every((s) => s.stage === 'handed_over' || s.stage === 'delivered' || s.stage === 'cancelled');
      return order.move(allGone ? 'shipped' : 'partiallyShipped', { notification: notifyHandedOver(shipments, shipment, report, allGone) });
    }
    case 'delivered': {
      shipment.stage = 'delivered';
      if (order.status !== 'shipped' || !shipments.every((s) => s.stage === 'delivered' || s.stage === 'cancelled')) return;
      await order.move('delivered', { notification: { template: 'order-delivered', payload: {} } });
      order.view.deliveredAt = new Date().toISOString();
      return onDelivered();
    }
    case 'late':
      shipment.late = true;
      return notifyLate(order, shipment, report);
    case 'failed':
    case 'returned':
      shipment.stage = report.kind;
      return;
    case 'address-problem':
      shipment.stage = 'address_problem';
      return;
  }
}

/**
 * What the order's parcels need from support now, for ops to find in the Temporal UI: a parcel
 * late and not delivered, one the carrier failed to deliver or returned, an address it refused.
 * Empty once each is settled (delivered, relabelled).
 */
export function parcelAlerts(shipments: readonly ShipmentSummary[]): string[] {
  const alerts = new Set<string>();
  for (const { late, stage } of shipments) {
    if (late && stage !== 'delivered') alerts.add('LATE');
    if (stage === 'failed' || stage === 'returned' || stage === 'address_problem') alerts.add(stage.toUpperCase());
  }
  return [...alerts].sort();
}

/** Starts the capture the policy says this handover takes; none once the rest was taken before the hold lapsed. */
async function captureForHandover(order: TrackedOrder, shipmentId: string, handedOverBefore: string[]): Promise<void> {
  const { payment, totals, shipments = [] } = order.view;
  if (!payment?.paymentId || !totals) return order.note('nothing to capture: no payment on the order');
  const shares = parcelShares(
    totals,
    shipments.map((s) => ({ parcelId: s.shipmentId, lines: s.lines })),
  );
  const action = captureAtHandover(shares, { parcelId: shipmentId, handedOverBefore, multicapture: payment.multicapture ?? false, finalCaptureTaken: finalCaptureTaken(order) });
  if (action.action === 'nothing') return;
  await startCapture(order, { amount: action.amount, finalCapture: action.finalCapture, purpose: 'handover', shipmentId });
}
