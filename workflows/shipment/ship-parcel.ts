import { workflowInfo } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { promisedDays } from '../../domain/rate-choice';
import { cancellableByOrder } from './cancel-parcel';
import { watchDeadline } from './deadline';
import { handOver } from './hand-over';
import { labelParcel } from './label-parcel';
import { registerParcelHandlers } from './parcel-handlers';
import { reportToOrder } from './report-to-order';
import type { ParcelOutcome, ShipParcelInput } from './ship-parcel.messages';
import { trackUntilDone } from './track-parcel';
import { TrackedParcel, trackingOf } from './tracked-parcel';

const DEFAULT_LABEL_DEADLINE = '24 hours';
const DEFAULT_DELIVERY_GRACE = '1 day';
const DEFAULT_TRACKING_POLL_AFTER = '6 hours';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * shipment-<shipmentId>: one parcel from its warehouse to the shopper, whose row the order
 * wrote when it was confirmed. Packed, its address verified, labelled once (voided and labelled
 * again when the order's address changes before the handover), handed over (its stock leaves),
 * tracked until delivered, failed or returned; or cancelled with its order before the carrier
 * has it (its label voided). The order hears each step that matters to it. Two deadlines watch
 * beside the flow: a label not bought in time, and a parcel later than promised.
 */
export async function shipParcel(input: ShipParcelInput): Promise<ParcelOutcome> {
  const parcel = new TrackedParcel(input);
  registerParcelHandlers(parcel, input);
  const stage = await cancellableByOrder(parcel, input, () => journey(parcel, input));
  return { shipmentId: input.shipmentId, stage };
}

/** Packed and labelled (again, for a new address), handed over, tracked to its end; the deadlines watch beside it. */
async function journey(parcel: TrackedParcel, input: ShipParcelInput): Promise<ParcelOutcome['stage']> {
  const late = watchDeadline(promisedBy(input) + durationMs(input.deliveryGrace ?? DEFAULT_DELIVERY_GRACE), () => reportLate(parcel));
  const labelDue = watchDeadline(startedAt() + durationMs(input.labelDeadline ?? DEFAULT_LABEL_DEADLINE), () => {
    parcel.note('label overdue', `no label within ${input.labelDeadline ?? DEFAULT_LABEL_DEADLINE} of the start; still waiting`);
    parcel.flag('LABEL_OVERDUE');
  });

  await labelParcel(parcel, input);
  await labelDue.stop();
  await handOver(parcel, input, () => labelParcel(parcel, input));
  const stage = await trackUntilDone(parcel, input.shipmentId, durationMs(input.trackingPollAfter ?? DEFAULT_TRACKING_POLL_AFTER));
  await late.stop();
  return stage;
}

/** The input's durations are plain strings ('6 hours'), as Temporal reads them. */
const durationMs = (value: string): number => msToNumber(value as Duration);

const startedAt = (): number => workflowInfo().runStartTime.getTime();

/** The promise made to the shopper: given, or the speed's most days in transit counted from the start. */
function promisedBy(input: ShipParcelInput): number {
  if (input.promisedDeliveryBy) return Date.parse(input.promisedDeliveryBy);
  return startedAt() + promisedDays(input.speed, input.shipTo.country) * DAY_MS;
}

async function reportLate(parcel: TrackedParcel): Promise<void> {
  if (parcel.journeyEnded) return;
  parcel.view.late = true;
  parcel.note('late', 'not delivered by the promised date and its grace');
  parcel.flag('DELAYED');
  await reportToOrder(parcel, { kind: 'late', ...trackingOf(parcel) });
}
