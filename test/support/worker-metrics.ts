import { testStack } from './test-stack';

/**
 * Reads the worker's Prometheus endpoint (the test Runtime's, shared by every test worker) once,
 * and sums a counter over its series, keeping only the series whose labels include each of `having`
 * (e.g. `outcome="failed"`).
 */
export async function workerCounters(): Promise<(metric: string, ...having: string[]) => number> {
  const text = await (await fetch(testStack().workerMetricsUrl)).text();
  const lines = text.split('\n');
  return (metric, ...having) =>
    lines.filter((l) => l.startsWith(`${metric}{`) && having.every((h) => l.includes(h))).reduce((total, l) => total + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}
