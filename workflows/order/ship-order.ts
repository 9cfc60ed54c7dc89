import { getExternalWorkflowHandle, ParentClosePolicy, startChild, uuid4 } from '@temporalio/workflow';
import type { ShippingSpeed } from '../../domain/checkout';
import { captureAtHandover, parcelShares } from '../../domain/capture-plan';
import { captureOrderPaymentWorkflowType, captureWorkflowId, type CaptureOrderPaymentWorkflow } from '../payment/capture-order-payment.messages';
import { taskQueues } from '../shared/task-queues';
import { describeParcel, shipmentWorkflowId, shipParcelWorkflowType, type ParcelReport, type ShipParcelInput, type ShipParcelWorkflow } from '../shipment/ship-parcel.messages';

/** The parcels' deadlines, when the order was given shorter ones (tests, demos). */
export type ParcelDeadlines = Pick<ShipParcelInput, 'labelDeadline' | 'deliveryGrace' | 'trackingPollAfter'>;
import { carryOutAddressReport, isAddressReport } from './instruct-parcels';
import type { CaptureSummary, ShipmentSummary } from './order.messages';
import type { TrackedOrder } from './tracked-order';

/**
 * One shipment child per parcel of the allocation, started once when the order is confirmed.
 * They outlive a run that continues as new (ABANDON), and report back to order-<orderId>.
 */
export async function startShipments(order: TrackedOrder, speed: ShippingSpeed, parcelDeadlines: ParcelDeadlines = {}): Promise<void> {
  const shipments: ShipmentSummary[] = order.view.reservations.map((parcel) => ({
    shipmentId: uuid4(),
    warehouseCode: parcel.warehouseCode,
    lines: parcel.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    stage: 'started',
    late: false,
  }));
  order.view.shipments = shipments;
  for (const [i, shipment] of shipments.entries()) {
    const input: ShipParcelInput = {
      shipmentId: shipment.shipmentId,
      orderId: order.id,
      warehouseId: order.view.reservations[i]!.warehouseId,
      warehouseCode: shipment.warehouseCode,
      lines: shipment.lines,
      shipTo: order.view.shippingAddress,
      speed,
      quoted: null,
      ...parcelDeadlines,
    };
    await startChild<ShipParcelWorkflow>(shipParcelWorkflowType, {
      workflowId: shipmentWorkflowId(shipment.shipmentId),
      taskQueue: taskQueues.orders,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...describeParcel(input),
      args: [input],
    });
  }
  order.note('shipments started', shipments.map((s) => `${s.warehouseCode}: shipment-${s.shipmentId}`).join('; '));
}

/** Parcels not yet with the carrier stop when the order will not ship; those handed over go on. */
export async function stopShipments(order: TrackedOrder): Promise<void> {
  for (const shipment of order.view.shipments ?? []) {
    if (shipment.stage !== 'started' && shipment.stage !== 'address_problem') continue;
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
      return order.move(allGone ? 'shipped' : 'partiallyShipped', { notification: { template: allGone ? 'order-shipped' : 'order-partially-shipped', payload: { shipmentId: shipment.shipmentId } } });
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
      return;
    case 'failed':
    case 'returned':
      shipment.stage = report.kind;
      return;
    case 'address-problem':
      shipment.stage = 'address_problem';
      return;
  }
}

/** Starts the capture the policy says this handover takes; its outcome lands on the order's view. */
async function captureForHandover(order: TrackedOrder, shipmentId: string, handedOverBefore: string[]): Promise<void> {
  const { payment, totals, shipments = [] } = order.view;
  if (!payment?.paymentId || !totals) return order.note('nothing to capture: no payment on the order');
  const shares = parcelShares(
    totals,
    shipments.map((s) => ({ parcelId: s.shipmentId, lines: s.lines })),
  );
  const action = captureAtHandover(shares, { parcelId: shipmentId, handedOverBefore, multicapture: payment.multicapture ?? false });
  if (action.action === 'nothing') return;
  const captures = (order.view.captures ??= []);
  const capture: CaptureSummary = { workflowId: captureWorkflowId(order.id, captures.length + 1), shipmentId, amount: action.amount, finalCapture: action.finalCapture, status: 'started' };
  captures.push(capture);
  const child = await startChild<CaptureOrderPaymentWorkflow>(captureOrderPaymentWorkflowType, {
    workflowId: capture.workflowId,
    taskQueue: taskQueues.orders,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    args: [{ orderId: order.id, paymentId: payment.paymentId, amount: action.amount, finalCapture: action.finalCapture }],
  });
  void child.result().then(
    (outcome) => {
      capture.status = outcome.status;
      order.note(`capture ${outcome.status}`, capture.workflowId);
      if (outcome.status === 'captured' && order.view.payment) {
        const everything = outcome.totalCaptured.amount >= order.view.payment.authorized.amount || outcome.finalCapture;
        order.view.payment = { ...order.view.payment, status: everything ? 'captured' : 'partially_captured', captured: outcome.totalCaptured };
      }
    },
    (failure: unknown) => order.note('capture failed', `${capture.workflowId}: ${String(failure)}`),
  );
}

export const capturesInFlight = (order: TrackedOrder): number => (order.view.captures ?? []).filter((c) => c.status === 'started').length;
