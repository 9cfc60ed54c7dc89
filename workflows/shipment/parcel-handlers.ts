import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import {
  handOverParcelUpdate,
  packParcelUpdate,
  parcelStatusQuery,
  trackingEventSignal,
  type ParcelRefusalCode,
  type PackRequest,
  type ShipParcelInput,
  type WarehouseActor,
} from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

/** How long an update waits for the main flow to carry it out before answering with the parcel as it stands. */
const ANSWER_WITHIN = '20 seconds';

const refuse = (code: ParcelRefusalCode, message: string): never => {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true });
};

/** The warehouse's updates (validated, then carried out by the main flow), the tracking signal and the status query. */
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
        if (parcel.packing) refuse('parcel-being-packed', 'the parcel was packed and its label is being bought');
        if (parcel.stage !== 'awaiting_pack' && parcel.stage !== 'address_problem') refuse('parcel-not-awaiting-pack', `the parcel is ${parcel.stage}`);
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
        if (parcel.handingOver || ['handed_over', 'delivered', 'failed', 'returned'].includes(parcel.stage)) refuse('parcel-already-handed-over', 'the parcel was already handed to the carrier');
        if (parcel.stage !== 'label_purchased') refuse('parcel-label-not-bought', `the parcel is ${parcel.stage}: pack it, and hand it over once its label is bought`);
      },
    },
  );

  setHandler(trackingEventSignal, (event) => parcel.receiveTracking(event, 'webhook'));
}

function throwIfOtherWarehouse(actor: WarehouseActor, input: ShipParcelInput): void {
  if (actor?.warehouseCode !== input.warehouseCode) refuse('wrong-warehouse', `the parcel ships from ${input.warehouseCode}, not ${actor?.warehouseCode}`);
}
