import { allHandlersFinished, CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { shipping } from './parcel-steps';
import { voidLabel } from './readdress-parcel';
import type { ParcelOutcome, ShipParcelInput } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

type Stage = ParcelOutcome['stage'];

/**
 * Runs the parcel's journey so that its order can cancel it (stopShipments cancels the child when
 * the order is cancelled). A parcel not yet with the carrier then stops where it is and cleans up,
 * beyond the reach of the cancellation: its label, if it bought one, is voided, its row is
 * cancelled, and the run ends `cancelled` (ShipmentStatus CANCELLED). A parcel the carrier has, or
 * is taking, goes on: the cancellation is noted and ignored. The run ends once its handlers have.
 */
export async function cancellableByOrder(parcel: TrackedParcel, input: ShipParcelInput, journey: () => Promise<Stage>): Promise<Stage> {
  const requested = CancellationScope.current().cancelRequested;
  return CancellationScope.nonCancellable(async () => {
    const journeyScope = new CancellationScope();
    requested.catch(() => {
      if (parcel.withCarrier) return parcel.note('cancellation ignored', 'the parcel is with the carrier: it goes on');
      parcel.cancelling = true;
      journeyScope.cancel();
    });
    let stage: Stage;
    try {
      stage = await journeyScope.run(journey);
    } catch (error) {
      if (!parcel.cancelling || !isCancellation(error)) throw error;
      stage = await cancelParcel(parcel, input);
    }
    await condition(allHandlersFinished);
    return stage;
  });
}

/** The compensation of everything the parcel did with the carrier: void the label (safe to repeat), cancel the row. */
async function cancelParcel(parcel: TrackedParcel, input: ShipParcelInput): Promise<'cancelled'> {
  if (parcel.label) await voidLabel(parcel, input, 'its order was cancelled');
  await shipping.cancelShipment({ shipmentId: input.shipmentId });
  parcel.moveTo('cancelled', 'its order was cancelled');
  return 'cancelled';
}
