import { condition, log } from '@temporalio/workflow';
import { failureType } from './parcel-failure';
import { carrierSteps, stockSteps } from './parcel-steps';
import { refuseAddressChange, voidForNewAddress } from './readdress-parcel';
import { reportToOrder } from './report-to-order';
import type { ShipParcelInput } from './ship-parcel.messages';
import { trackingOf, type TrackedParcel } from './tracked-parcel';

/**
 * The warehouse hands the parcel over: it goes on the carrier's manifest (the scan form), then
 * its stock leaves our books, and the order hears of it (it captures the parcel's share). Until
 * then, a new address from the order voids the label and `relabel` buys the next one; once the
 * handover is under way, the parcel keeps its address.
 */
export async function handOver(parcel: TrackedParcel, input: ShipParcelInput, relabel: () => Promise<void>): Promise<void> {
  for (;;) {
    await condition(() => parcel.handingOver !== undefined || parcel.newAddress !== undefined);
    if (parcel.handingOver) break;
    await voidForNewAddress(parcel, input);
    await relabel();
  }
  if (parcel.newAddress) {
    const change = parcel.newAddress;
    parcel.newAddress = undefined;
    await refuseAddressChange(parcel, change);
  }
  await carrierSteps.handOverToCarrier({ shipmentId: input.shipmentId });
  try {
    await stockSteps.shipParcelStock({ shipmentId: input.shipmentId, orderId: input.orderId, warehouseId: input.warehouseId, lines: input.lines });
  } catch (error) {
    // The parcel is with the carrier whatever our books say: ops reconcile the stock, the parcel goes on.
    if (failureType(error) !== 'ParcelNotReserved') throw error;
    log.error('parcel handed over without its reservation', { shipmentId: input.shipmentId, error: String(error) });
    parcel.note('stock not moved: no matching reservation', String(error));
  }
  parcel.lastHeardAt = Date.now();
  parcel.moveTo('handed_over', `by ${parcel.handingOver!.actor.id}`);
  await reportToOrder(parcel, { kind: 'handed-over', ...trackingOf(parcel) });
}
