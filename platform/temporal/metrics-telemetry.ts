import type { TelemetryOptions } from '@temporalio/worker';

/**
 * The worker's `GET /metrics`: the Temporal Runtime serves the SDK's own worker metrics (task slots,
 * poll and schedule-to-start latencies, workflow and activity outcomes) and the counters the worker's
 * activities record on its meter, in Prometheus text format at `http://<address>/metrics`.
 */
export const prometheusTelemetry = (bindAddress: string): NonNullable<TelemetryOptions['metrics']> => ({
  prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true },
});
