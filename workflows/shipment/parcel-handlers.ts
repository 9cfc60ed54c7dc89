import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import {
  changeParcelAddressSignal,
  handOverParcelUpdate,
  holdParcelSignal,
  packParcelUpdate,
  parcelStatusQuery,
  trackingEventSignal,
  type ParcelRefusalCode,
  type PackRequest,
  type ShipParcelInput,
  type WarehouseActor,
} from './ship-parcel.messages';
import { refuseAddressChange } from './readdress-parcel';
import type { TrackedParcel } from './tracked-parcel';

/** How long an update waits for the main flow to carry it out before answering with the parcel as it stands. */
const ANSWER_WITHIN = '20 seconds';

const refuse = (code: ParcelRefusalCode, message: string): never => {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
};

/**
 * The warehouse's updates (validated, then carried out by the main flow), the order's signals
 * (a new address, a hold), the tracking signal and the status query.
 */
export function registerParcelHandlers(parcel: TrackedParcel, input: ShipParcelInput): void {
  setHandler(parcelStatusQuery, () => parcel.snapshot());

  setHandler(
    packParcelUpdate,
    async (request) => {
      parcel.packing = request;
      parcel.note('packed', `${request.weightGrams} g, ${request.dimensionsCm.length}x${request.dimensionsCm.width}x${request.dimensionsCm.height} cm by ${request.actor.id}`);
      await condition(() => parcel.packing !== request, ANSWER_WITHIN);
      return parcel.snapshot();
    },
    {
      validator: ({ actor, weightGrams, dimensionsCm }: PackRequest) => {
        throwIfOtherWarehouse(actor, input);
        throwIfCancelled(parcel);
        if (parcel.packing) refuse('parcel-being-packed', 'the parcel was packed and its label is being bought');
        if (parcel.stage !== 'awaiting_pack' && parcel.stage !== 'address_problem') refuse('parcel-not-awaiting-pack', `the parcel is ${parcel.stage}`);
        throwIfHeld(parcel);
        const sizes = [weightGrams, dimensionsCm?.length, dimensionsCm?.width, dimensionsCm?.height];
        if (!sizes.every((size) => typeof size === 'number' && Number.isFinite(size) && size > 0)) refuse('parcel-size-invalid', 'weight and every dimension must be positive');
      },
    },
  );

  setHandler(
    handOverParcelUpdate,
    async (request) => {
      parcel.handingOver = request;
      await condition(() => parcel.stage !== 'label_purchased', ANSWER_WITHIN);
      return parcel.snapshot();
    },
    {
      validator: ({ actor }) => {
        throwIfOtherWarehouse(actor, input);
        throwIfCancelled(parcel);
        if (parcel.withCarrier) refuse('parcel-already-handed-over', 'the parcel was already handed to the carrier');
        // A new address not yet taken voids this label: the parcel waits for the next one.
        if (parcel.stage !== 'label_purchased' || parcel.newAddress) refuse('parcel-label-not-bought', `the parcel is ${parcel.stage}: pack it, and hand it over once its label is bought`);
        throwIfHeld(parcel);
      },
    },
  );

  setHandler(trackingEventSignal, (event) => parcel.receiveTracking(event, 'webhook'));

  setHandler(changeParcelAddressSignal, async (change) => {
    if (parcel.cancelling || parcel.stage === 'cancelled') return parcel.note('address change ignored', 'the parcel was cancelled');
    if (parcel.withCarrier) return refuseAddressChange(parcel, change);
    parcel.newAddress = change;
  });

  setHandler(holdParcelSignal, ({ held, actor, reason }) => {
    parcel.held = held;
    parcel.note(held ? 'held' : 'released', `by ${actor}: ${reason}`);
  });
}

function throwIfHeld(parcel: TrackedParcel): void {
  if (parcel.held) refuse('parcel-on-hold', "support holds the order's fulfillment: put the parcel aside until it is released");
}

function throwIfCancelled(parcel: TrackedParcel): void {
  if (parcel.cancelling) refuse('parcel-final', 'the parcel was cancelled with its order');
}

function throwIfOtherWarehouse(actor: WarehouseActor, input: ShipParcelInput): void {
  if (actor?.warehouseCode !== input.warehouseCode) refuse('wrong-warehouse', `the parcel ships from ${input.warehouseCode}, not ${actor?.warehouseCode}`);
}
