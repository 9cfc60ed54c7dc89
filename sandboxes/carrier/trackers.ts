import { asObject, asText, isoTime, newId, type CarrierContext } from './carrier-context';
import type { CarrierObject } from './carrier-store';
import { invalidParameter, notFound } from './easypost-error';

export type TrackerStatus = 'unknown' | 'pre_transit' | 'in_transit' | 'out_for_delivery' | 'delivered' | 'return_to_sender' | 'failure' | 'cancelled';
export type Outcome = 'delivered' | 'failure' | 'return_to_sender';
export const outcomes: readonly Outcome[] = ['delivered', 'failure', 'return_to_sender'];

export type Tracker = CarrierObject & {
  object: 'Tracker';
  tracking_code: string;
  status: TrackerStatus;
  status_detail: string;
  carrier: string;
  shipment_id: string | null;
  weight: number | null;
  tracking_details: Array<Record<string, unknown>>;
};

/** The sandbox's bookkeeping for a parcel on its way: where it ends and when it moves next. */
export type Journey = CarrierObject & { object: 'SandboxJourney'; tracker_id: string; outcome: Outcome; next_at: number | null };

const DETAILS: Record<TrackerStatus, { detail: string; message: string }> = {
  unknown: { detail: 'unknown', message: 'No tracking information yet' },
  pre_transit: { detail: 'label_created', message: 'Shipping label created, the carrier awaits the parcel' },
  in_transit: { detail: 'arrived_at_facility', message: 'Arrived at the sorting facility' },
  out_for_delivery: { detail: 'out_for_delivery', message: 'Out for delivery' },
  delivered: { detail: 'arrived_at_destination', message: 'Delivered' },
  failure: { detail: 'lost', message: 'The parcel could not be delivered and is lost' },
  return_to_sender: { detail: 'return', message: 'Returned to sender: the recipient could not be reached' },
  cancelled: { detail: 'cancelled', message: 'Label voided' },
};

// EasyPost's test tracking codes: EZ1000000001 is pre_transit, EZ4000000004 delivered, and so on.
const TEST_CODES: Record<string, TrackerStatus> = { '1': 'pre_transit', '2': 'in_transit', '3': 'out_for_delivery', '4': 'delivered', '5': 'return_to_sender', '6': 'failure', '7': 'unknown' };

const journeyId = (trackerId: string) => `journey_${trackerId}`;
const pathTo = (outcome: Outcome): TrackerStatus[] => ['pre_transit', 'in_transit', 'out_for_delivery', outcome];

function detail(ctx: CarrierContext, status: TrackerStatus, carrier: string): Record<string, unknown> {
  return {
    object: 'TrackingDetail',
    message: DETAILS[status].message,
    description: DETAILS[status].message,
    status,
    status_detail: DETAILS[status].detail,
    datetime: isoTime(ctx.now()),
    source: carrier,
    tracking_location: { object: 'TrackingLocation', city: 'SANDBOX CITY', state: 'CA', country: 'US', zip: '94105' },
  };
}

export function newTracker(ctx: CarrierContext, fields: { tracking_code: string; carrier: string; shipment_id: string | null; weight: number | null; status: TrackerStatus }): Tracker {
  const at = isoTime(ctx.now());
  const tracker = ctx.store.put<Tracker>({
    id: newId('trk'),
    object: 'Tracker',
    mode: 'test',
    ...fields,
    status_detail: DETAILS[fields.status].detail,
    signed_by: null,
    est_delivery_date: null,
    public_url: `${ctx.publicUrl}/track/${fields.tracking_code}`,
    tracking_details: fields.status === 'unknown' ? [] : [detail(ctx, fields.status, fields.carrier)],
    carrier_detail: null,
    fees: [],
    created_at: at,
    updated_at: at,
  });
  ctx.emit('tracker.created', tracker);
  return tracker;
}

export function findTracker(ctx: CarrierContext, id: string): Tracker {
  const tracker = ctx.store.get<Tracker>(id, 'Tracker');
  if (!tracker) throw notFound('Tracker', id);
  return tracker;
}

/** POST /v2/trackers: EasyPost answers the existing tracker for a tracking code it already follows. */
export function createTracker(ctx: CarrierContext, body: Record<string, unknown>): Tracker {
  const params = asObject(body.tracker);
  const code = asText(params.tracking_code);
  if (!code) throw invalidParameter('tracking_code', 'Missing required parameter: tracking_code.');
  const carrier = asText(params.carrier);
  const existing = ctx.store.all<Tracker>('Tracker').find((t) => t.tracking_code === code && (!carrier || t.carrier === carrier));
  if (existing) return existing;
  const test = /^EZ(\d)0+\1$/.exec(code);
  return newTracker(ctx, { tracking_code: code, carrier: carrier ?? 'SandboxPost', shipment_id: null, weight: null, status: (test && TEST_CODES[test[1]!]) || 'unknown' });
}

export function listTrackers(ctx: CarrierContext, query: Record<string, unknown>): Record<string, unknown> {
  const code = asText(query.tracking_code);
  const trackers = ctx.store.all<Tracker>('Tracker').filter((t) => !code || t.tracking_code === code);
  return { trackers: trackers.reverse(), has_more: false };
}

export function moveTracker(ctx: CarrierContext, tracker: Tracker, status: TrackerStatus): Tracker {
  if (tracker.status === status) return tracker;
  const moved = ctx.store.put<Tracker>({
    ...tracker,
    status,
    status_detail: DETAILS[status].detail,
    ...(status === 'delivered' && { signed_by: 'SANDBOX RECIPIENT' }),
    tracking_details: [...tracker.tracking_details, detail(ctx, status, tracker.carrier)],
    updated_at: isoTime(ctx.now()),
  });
  ctx.emit('tracker.updated', moved, { status: tracker.status });
  return moved;
}

/** The parcel is in the carrier's hands: from now on it moves one status per step towards its outcome. */
export function startJourney(ctx: CarrierContext, tracker: Tracker): void {
  const planned = ctx.store.get<Journey>(journeyId(tracker.id), 'SandboxJourney');
  ctx.store.put<Journey>({ id: journeyId(tracker.id), object: 'SandboxJourney', tracker_id: tracker.id, outcome: planned?.outcome ?? 'delivered', next_at: ctx.now() + ctx.stepMs });
}

/** Decides where a parcel ends (before or during its journey); the final step takes it there. */
export function planOutcome(ctx: CarrierContext, tracker: Tracker, outcome: Outcome): Journey {
  const planned = ctx.store.get<Journey>(journeyId(tracker.id), 'SandboxJourney');
  return ctx.store.put<Journey>({ id: journeyId(tracker.id), object: 'SandboxJourney', tracker_id: tracker.id, outcome, next_at: planned?.next_at ?? null });
}

/** Moves the parcel one status along its path now; the next step is due one step later. */
export function stepJourney(ctx: CarrierContext, tracker: Tracker): Tracker {
  const journey = ctx.store.get<Journey>(journeyId(tracker.id), 'SandboxJourney');
  if (!journey || journey.next_at === null) return tracker;
  const path = pathTo(journey.outcome);
  const at = path.indexOf(tracker.status);
  const next = at < 0 ? undefined : path[at + 1];
  if (!next) {
    ctx.store.put<Journey>({ ...journey, next_at: null });
    return tracker;
  }
  const moved = moveTracker(ctx, tracker, next);
  ctx.store.put<Journey>({ ...journey, next_at: next === journey.outcome ? null : ctx.now() + ctx.stepMs });
  return moved;
}

/** Every parcel whose next step is due moves on: the sandbox's clock, run by a timer. */
export function stepDueJourneys(ctx: CarrierContext): void {
  for (const journey of ctx.store.all<Journey>('SandboxJourney')) {
    if (journey.next_at === null || journey.next_at > ctx.now()) continue;
    const tracker = ctx.store.get<Tracker>(journey.tracker_id, 'Tracker');
    if (tracker) stepJourney(ctx, tracker);
  }
}
