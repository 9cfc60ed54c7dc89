import type { temporal } from '@temporalio/proto';

export interface LocalActivityMarker {
  activityType: string;
  /** The order the workflow scheduled it in; markers are recorded in the order results came back. */
  seq: number;
}

/**
 * The local activity whose result an event records (a `core_local_activity` marker, whose JSON
 * data names it), or undefined for any other event: how tools and tests read which local
 * activities a run recorded.
 */
export function localActivityMarker(event: temporal.api.history.v1.IHistoryEvent): LocalActivityMarker | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  const parsed = data ? (JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string; seq?: number }) : {};
  return { activityType: parsed.activity_type ?? '?', seq: parsed.seq ?? -1 };
}
