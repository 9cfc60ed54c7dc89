import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import { orderWorkflowId } from '../order/order.messages';
import { parcelReportSignal, type ParcelReport } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

type Report = ParcelReport extends infer R ? (R extends ParcelReport ? Omit<R, 'shipmentId' | 'at'> : never) : never;

/**
 * Tells the order (order-<orderId>) what happened to its parcel. The parcel never depends on
 * being heard: an order that is gone or not reachable is logged and noted, and the parcel goes on.
 */
export async function reportToOrder(parcel: TrackedParcel, report: Report): Promise<void> {
  const full = { ...report, shipmentId: parcel.view.shipmentId, at: new Date().toISOString() } as ParcelReport;
  try {
    await getExternalWorkflowHandle(orderWorkflowId(parcel.view.orderId)).signal(parcelReportSignal, full);
    parcel.note(`reported ${report.kind} to the order`);
  } catch (error) {
    log.warn('could not report to the order', { shipmentId: parcel.view.shipmentId, orderId: parcel.view.orderId, kind: report.kind, error: String(error) });
    parcel.note(`could not report ${report.kind} to the order`);
  }
}
