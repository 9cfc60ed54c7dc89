import type { temporal } from '@temporalio/proto';

/**
 * The activity type of a local activity's result in a history (a `core_local_activity` marker,
 * whose JSON data names it), or undefined for any other event: how tools and tests read which
 * local activities a run recorded.
 */
export function localActivityType(event: temporal.api.history.v1.IHistoryEvent): string | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return '?';
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type?: string };
  return parsed.activity_type ?? '?';
}
