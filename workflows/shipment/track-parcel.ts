import { condition, patched } from '@temporalio/workflow';
import { trackingStatuses, type TrackingStatus } from '../../domain/tracking';
import { shipping } from './parcel-steps';
import { reportToOrder } from './report-to-order';
import type { ParcelOutcome } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

const isTrackingStatus = (status: string): status is TrackingStatus => (trackingStatuses as readonly string[]).includes(status);

/**
 * Follows the parcel until its journey ends: webhook signals, the events stored before this run
 * listened, and a poll of the carrier whenever nothing was heard for `pollAfterMs` (webhooks get
 * lost). Every event goes through the forward-only rule, so any arrival order ends the same.
 */
export async function trackUntilDone(parcel: TrackedParcel, shipmentId: string, pollAfterMs: number): Promise<ParcelOutcome['stage']> {
  for (const event of await shipping.storedTrackingEvents({ shipmentId })) parcel.receiveTracking(event, 'stored');
  let recorded: TrackingStatus | null = null;
  for (;;) {
    // An event that arrives while the row is being written is written next, before the journey may end.
    while (parcel.tracking.status !== null && parcel.tracking.status !== recorded) {
      recorded = parcel.tracking.status;
      await shipping.recordShipmentTracking({ shipmentId, status: recorded });
      // Added after runs were recorded: older histories wrote it at the next event (or never, for the last).
      if (!patched('write-tracking-caught-up')) break;
    }
    if (parcel.journeyEnded) break;
    const heard = parcel.eventsHeard;
    const woken = await condition(() => parcel.eventsHeard > heard, Math.max(parcel.lastHeardAt + pollAfterMs - Date.now(), 1));
    if (!woken) await poll(parcel, shipmentId);
  }
  return finish(parcel);
}

async function poll(parcel: TrackedParcel, shipmentId: string): Promise<void> {
  const tracking = await shipping.fetchShipmentTracking({ shipmentId });
  parcel.lastHeardAt = Date.now();
  for (const { status, at } of tracking.events) {
    if (isTrackingStatus(status)) parcel.receiveTracking({ eventId: `poll:${tracking.trackerId}:${status}:${at}`, status, occurredAt: Date.parse(at) }, 'poll');
  }
}

async function finish(parcel: TrackedParcel): Promise<ParcelOutcome['stage']> {
  const status = parcel.tracking.status;
  if (status === 'delivered') {
    parcel.moveTo('delivered');
    await reportToOrder(parcel, { kind: 'delivered' });
    return 'delivered';
  }
  const stage = status === 'return_to_sender' ? 'returned' : 'failed';
  const detail = status === 'return_to_sender' ? 'returned to sender' : 'the carrier could not deliver the parcel';
  parcel.moveTo(stage, detail);
  await reportToOrder(parcel, { kind: stage, detail });
  return stage;
}
