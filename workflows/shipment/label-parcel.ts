import { CancellationScope, condition, patched, upsertSearchAttributes } from '@temporalio/workflow';
import type { ParcelToShip } from '../../activities/shipping/shipping-activities';
import type { Address } from '../../domain/checkout';
import { Carrier, TrackingNumber } from '../shared/search-attributes';
import { failureType } from './parcel-failure';
import { carrierSteps, FEWER_ROUND_TRIPS } from './parcel-steps';
import { takeNewAddress } from './readdress-parcel';
import { reportToOrder } from './report-to-order';
import type { ShipParcelInput } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

// EasyPost rates and bills in USD whatever the order's currency; the checkout quote is kept beside it.
const CARRIER_CURRENCY = 'USD';

/**
 * From packed to labelled: each pack the warehouse sends is carried out here. The address is
 * verified first (an undeliverable one is reported and waits for the next pack or a new address),
 * then the cheapest service that keeps the promised speed is chosen and recorded, and its label
 * bought exactly once. A new address from the order is taken here too: a parcel packed before is
 * labelled again from its last packing, with no new pack.
 */
export async function labelParcel(parcel: TrackedParcel, input: ShipParcelInput): Promise<void> {
  for (;;) {
    await condition(() => parcel.packing !== undefined || parcel.newAddress !== undefined);
    // A new address for a parcel packed before is labelled from that packing; one never packed waits for its pack.
    const packedBefore = parcel.newAddress !== undefined && (await takeNewAddress(parcel, input));
    if (!parcel.packing && !packedBefore) continue;
    parcel.packing ??= parcel.lastPacking;
    const { weightGrams, dimensionsCm } = (parcel.lastPacking = parcel.packing!);
    try {
      const to = await deliverableAddress(parcel);
      if (!to) continue;
      const request: ParcelToShip = { to, parcel: { weightGrams, dimensionsCm } };
      if (await chooseRate(parcel, input, request)) {
        await buyLabel(parcel, input, request);
        return;
      }
    } finally {
      parcel.packing = undefined;
    }
  }
}

async function deliverableAddress(parcel: TrackedParcel): Promise<Address | undefined> {
  try {
    return await carrierSteps.verifyShippingAddress(parcel.shipTo);
  } catch (error) {
    if (failureType(error) !== 'AddressUndeliverable') throw error;
    const detail = error instanceof Error && error.cause instanceof Error ? error.cause.message : 'the carrier cannot deliver to this address';
    parcel.moveTo('address_problem', detail);
    await reportToOrder(parcel, { kind: 'address-problem', detail });
    return undefined;
  }
}

async function chooseRate(parcel: TrackedParcel, input: ShipParcelInput, request: ParcelToShip): Promise<boolean> {
  try {
    const rate = await carrierSteps.chooseShippingRate({ shipmentId: input.shipmentId, ...request, speed: input.speed, currency: CARRIER_CURRENCY });
    const quoted = input.quoted ? `; checkout quoted ${input.quoted.amount} ${input.quoted.currency}` : '';
    parcel.note('rate chosen', `${rate.carrier} ${rate.service} at ${rate.amount.amount} ${rate.amount.currency}${quoted}`);
    return true;
  } catch (error) {
    if (failureType(error) !== 'NoRateForSpeed') throw error;
    parcel.note('no rate', `no service reaches ${parcel.shipTo.country} within the ${input.speed} promise for this parcel`);
    parcel.flag('NO_RATE');
    return false;
  }
}

/**
 * Bought to its end even when the order cancels the parcel meanwhile: the label is then known,
 * and the cancellation voids it. A label for a new address is reported to the order as relabelled.
 */
async function buyLabel(parcel: TrackedParcel, input: ShipParcelInput, request: ParcelToShip): Promise<void> {
  const label = await CancellationScope.nonCancellable(() => carrierSteps.buyShippingLabel({ shipmentId: input.shipmentId, ...request }));
  parcel.label = { carrierShipmentId: label.carrierShipmentId, trackingCode: label.trackingCode };
  Object.assign(parcel.view, { carrier: label.carrier, service: label.service, trackingNumber: label.trackingCode, labelUrl: label.labelUrl, trackingUrl: label.trackingUrl });
  const labelled = [
    { key: Carrier, value: label.carrier },
    { key: TrackingNumber, value: label.trackingCode },
  ];
  // With the stage it moves to, in one upsert (before the patch: an upsert of its own).
  if (patched(FEWER_ROUND_TRIPS)) parcel.learn(labelled);
  else upsertSearchAttributes(labelled);
  const detail = `${label.carrier} ${label.service} ${label.trackingCode}, ${label.cost.amount} ${label.cost.currency}`;
  if (!parcel.relabelling) return parcel.moveTo('label_purchased', detail);
  parcel.relabelling = false;
  parcel.moveTo('label_purchased', `${detail}, for the new address`, 'relabelled');
  await reportToOrder(parcel, { kind: 'relabelled', detail });
}
