import { CancellationScope, upsertSearchAttributes } from '@temporalio/workflow';
import type { Address } from '../../domain/checkout';
import { TrackingNumber } from '../shared/search-attributes';
import { shipping } from './parcel-steps';
import { reportToOrder } from './report-to-order';
import type { AddressChange, ShipParcelInput } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

const oneLine = (to: Address): string => [to.line1, to.line2, `${to.postalCode} ${to.city}`, to.country].filter(Boolean).join(', ');

/**
 * The parcel takes the order's new address: on its row (under the label round it is on), then
 * for the next label. Answers whether it was packed before, so the caller labels it from that
 * packing instead of waiting for a new pack.
 */
export async function takeNewAddress(parcel: TrackedParcel, input: ShipParcelInput): Promise<boolean> {
  const change = parcel.newAddress!;
  parcel.newAddress = undefined;
  await shipping.readdressShipment({ shipmentId: input.shipmentId, shipTo: change.address, round: parcel.labelRound });
  parcel.shipTo = change.address;
  parcel.relabelling = parcel.lastPacking !== undefined;
  parcel.note('address changed', `${oneLine(change.address)}, by ${change.actor}: ${change.reason}`);
  return parcel.relabelling;
}

/**
 * Voids the parcel's label at the carrier (EasyPost's refund), named by its carrier shipment, so a
 * retry asks again and never voids another. Once asked, it runs to its end even when the parcel is
 * being cancelled: the label must not be forgotten half-way. The next label is bought under the
 * next round's reference.
 */
export async function voidLabel(parcel: TrackedParcel, input: ShipParcelInput, why: string): Promise<string> {
  const label = parcel.label!;
  const refund = await CancellationScope.nonCancellable(() => shipping.voidShippingLabel({ shipmentId: input.shipmentId, carrierShipmentId: label.carrierShipmentId }));
  parcel.label = undefined;
  parcel.labelRound += 1;
  Object.assign(parcel.view, { carrier: null, service: null, trackingNumber: null, labelUrl: null, trackingUrl: null });
  upsertSearchAttributes([{ key: TrackingNumber, value: null }]);
  const detail = `${label.trackingCode} (${why}): refund ${refund ?? 'not needed'}`;
  parcel.note('label voided', detail);
  return detail;
}

/** A labelled parcel whose address changed: its label is voided and reported; the caller buys the next one. */
export async function voidForNewAddress(parcel: TrackedParcel, input: ShipParcelInput): Promise<void> {
  const detail = await voidLabel(parcel, input, 'a new address');
  parcel.moveTo('awaiting_pack', 'a label for the new address is bought from the last packing', 'relabelling');
  await reportToOrder(parcel, { kind: 'label-voided', detail });
}

/** The carrier has the parcel (or is taking it): it keeps its address, and the order hears why. */
export async function refuseAddressChange(parcel: TrackedParcel, change: AddressChange): Promise<void> {
  const detail = `the parcel is ${parcel.stage === 'label_purchased' ? 'being handed over' : parcel.stage}: it keeps its address (asked by ${change.actor})`;
  parcel.note('address change refused', detail);
  await reportToOrder(parcel, { kind: 'address-change-refused', detail, reason: 'parcel-already-handed-over' });
}
