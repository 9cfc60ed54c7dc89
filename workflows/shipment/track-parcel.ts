import { condition, patched, sleep } from '@temporalio/workflow';
import { trackingStatuses, type TrackingStatus } from '../../domain/tracking';
import { FEWER_ROUND_TRIPS, parcelRecords, shipping } from './parcel-steps';
import { reportToOrder } from './report-to-order';
import type { ParcelOutcome } from './ship-parcel.messages';
import type { TrackedParcel } from './tracked-parcel';

const isTrackingStatus = (status: string): status is TrackingStatus => (trackingStatuses as readonly string[]).includes(status);

/**
 * Follows the parcel until its journey ends: webhook signals, the events stored before this run
 * listened, and a poll of the carrier whenever nothing was heard for `pollAfterMs` (webhooks get
 * lost). Every event goes through the forward-only rule, so any arrival order ends the same. The
 * parcel's row is moved by whoever learns of an event: the webhook route, or the poll.
 */
export async function trackUntilDone(parcel: TrackedParcel, shipmentId: string, pollAfterMs: number): Promise<ParcelOutcome['stage']> {
  const stored = patched(FEWER_ROUND_TRIPS) ? parcelRecords : shipping;
  for (const event of await stored.storedTrackingEvents({ shipmentId })) parcel.receiveTracking(event, 'stored');
  while (!parcel.journeyEnded) {
    const quietUntil = parcel.lastHeardAt + pollAfterMs;
    if (Date.now() >= quietUntil) {
      await poll(parcel, shipmentId);
      continue;
    }
    // One timer per quiet period, not one per event: events heard meanwhile move lastHeardAt, and
    // the loop measures again when the timer fires. One still pending when the journey ends is
    // simply dropped with the run.
    await Promise.race([sleep(quietUntil - Date.now()), condition(() => parcel.journeyEnded)]);
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
