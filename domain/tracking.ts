/**
 * What a parcel's tracking may do: only move forward, in the carrier's time. Carriers redeliver,
 * reorder and lose webhooks, and polling repeats what a webhook already said; this rule makes
 * every arrival order end in the same state, and nothing ever goes back from delivered.
 */
export const trackingStatuses = ['pre_transit', 'in_transit', 'out_for_delivery', 'delivered', 'failure', 'return_to_sender'] as const;
export type TrackingStatus = (typeof trackingStatuses)[number];

/** How far along each status is; the last three end the parcel's journey. */
const rank: Record<TrackingStatus, number> = { pre_transit: 1, in_transit: 2, out_for_delivery: 3, delivered: 4, failure: 4, return_to_sender: 4 };

export const isFinalTracking = (status: TrackingStatus): boolean => rank[status] === 4;

export interface TrackingEvent {
  /** The carrier's event id: the same event arrives again on redelivery and from polling. */
  eventId: string;
  status: TrackingStatus;
  /** When the carrier says it happened (epoch ms), not when it reached us. */
  occurredAt: number;
}

export interface Tracking {
  status: TrackingStatus | null;
  /** The carrier time of the newest event applied. */
  lastEventAt: number | null;
  seenEventIds: string[];
}

export const untracked: Tracking = { status: null, lastEventAt: null, seenEventIds: [] };

export type TrackingOutcome =
  | { applied: true; tracking: Tracking }
  | { applied: false; tracking: Tracking; ignored: 'duplicate' | 'older' | 'backwards' | 'after-final' };

/**
 * Applies one event when it moves the parcel forward: a later status, or the same in-flight
 * status reported later (a new scan on the way). A status that ended the journey is never
 * replaced.
 */
export function applyTrackingEvent(tracking: Tracking, event: TrackingEvent): TrackingOutcome {
  if (tracking.seenEventIds.includes(event.eventId)) return { applied: false, tracking, ignored: 'duplicate' };
  const seen = { ...tracking, seenEventIds: [...tracking.seenEventIds, event.eventId] };
  if (tracking.status === null) return { applied: true, tracking: { ...seen, status: event.status, lastEventAt: event.occurredAt } };
  if (isFinalTracking(tracking.status)) return { applied: false, tracking: seen, ignored: 'after-final' };
  if (tracking.lastEventAt !== null && event.occurredAt < tracking.lastEventAt) return { applied: false, tracking: seen, ignored: 'older' };
  if (rank[event.status] < rank[tracking.status]) return { applied: false, tracking: seen, ignored: 'backwards' };
  return { applied: true, tracking: { ...seen, status: event.status, lastEventAt: event.occurredAt } };
}
