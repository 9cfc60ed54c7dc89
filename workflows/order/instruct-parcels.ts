import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { SignalDefinition } from '@temporalio/common';
import {
  changeParcelAddressSignal,
  holdParcelSignal,
  shipmentWorkflowId,
  type AddressChange,
  type FulfillmentHold,
  type ParcelReport,
} from '../shipment/ship-parcel.messages';
import type { ShipmentSummary } from './order.messages';
import type { TrackedOrder } from './tracked-order';

/** A parcel the order does not know to be with the carrier: support's requests and a cancellation still reach it. */
export const notYetHandedOver = (shipment: ShipmentSummary): boolean => shipment.stage === 'started' || shipment.stage === 'address_problem';

/**
 * What support asks of the order that its parcels carry out: a new address, a hold or its
 * release. Each goes to every parcel not yet handed over; a parcel that got to the carrier
 * meanwhile refuses the address itself and reports why.
 */
export const readdressParcels = (order: TrackedOrder, change: AddressChange): Promise<void> => tellParcels(order, changeParcelAddressSignal, change, 'the new address');

export const holdParcels = (order: TrackedOrder, hold: FulfillmentHold): Promise<void> => tellParcels(order, holdParcelSignal, hold, hold.held ? 'the hold' : 'the release');

async function tellParcels<T>(order: TrackedOrder, signal: SignalDefinition<[T]>, message: T, what: string): Promise<void> {
  for (const shipment of (order.view.shipments ?? []).filter(notYetHandedOver)) {
    try {
      await getExternalWorkflowHandle(shipmentWorkflowId(shipment.shipmentId)).signal(signal, message);
    } catch (error) {
      // A parcel whose run has ended has nothing left to change.
      log.warn(`could not pass ${what} to a parcel`, { orderId: order.id, shipmentId: shipment.shipmentId, error: String(error) });
      order.note(`could not pass ${what} to a parcel`, shipment.shipmentId);
    }
  }
}

type AddressReport = Extract<ParcelReport, { kind: 'label-voided' | 'relabelled' | 'address-change-refused' }>;

export const isAddressReport = (report: ParcelReport): report is AddressReport =>
  report.kind === 'label-voided' || report.kind === 'relabelled' || report.kind === 'address-change-refused';

/** How a parcel carried out a new address, on the order's timeline: its label voided, a new one bought, or the change refused. */
export function carryOutAddressReport(order: TrackedOrder, shipment: ShipmentSummary, report: AddressReport): void {
  switch (report.kind) {
    case 'label-voided':
      return order.note('label voided', `${shipment.shipmentId}: ${report.detail}`);
    case 'relabelled':
      if (shipment.stage === 'address_problem') shipment.stage = 'started';
      return order.note('relabelled', `${shipment.shipmentId}: ${report.detail}`);
    case 'address-change-refused':
      return order.note('address not changed', `${shipment.shipmentId} (${report.reason}): ${report.detail}`);
  }
}
