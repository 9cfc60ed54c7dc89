import { percentile } from './checkout-load';
import type { Work } from './workflow-work';

/** CPU seconds per process (loadgen is the bench itself; machine is every process, all cores). */
export type Cpu = Record<string, number>;

export interface Phase {
  name: string;
  orders: number;
  /** GET /orders/:id calls made waiting for the parcel to show. */
  polls: number;
  /** Packs answered 404 because the parcel had not written its row yet, tried again. */
  /** First request to the last order done. */
  wallS: number;
  /** The stretch CPU was measured over: wallS plus the drain. */
  cpuWallS: number;
  cpu: Cpu;
  checkoutMs: number[];
  /** Whole life only: POST /checkout sent to the order's workflow closed. */
  lifeMs: number[];
  /** Whole life only: the hand-over answer to its capture workflow closed. */
  captureMs: number[];
  /** Per order, by workflow type, from a sample of histories. */
  work: Map<string, Work>;
}

export interface FulfillmentReport {
  rounds: Array<{ checkout: Phase; life: Phase }>;
  idle: { cpu: Cpu; seconds: number };
  targetRatio: number;
  cores: number;
  notes: string[];
}

const median = (values: number[]) => percentile(values, 50);
const NOT_SERVICES = new Set(['loadgen', 'machine']);

export function printFulfillmentReport({ rounds, idle, targetRatio, notes }: FulfillmentReport): void {
  const out: string[] = [];
  const kinds = ['checkout', 'life'] as const;
  const med = (f: (p: Phase) => number) => kinds.map((k) => median(rounds.map((r) => f(r[k]))));
  const row = (label: string, [a, b]: number[], digits = 1, ratio = false) => {
    const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
    out.push(`${label.padEnd(38)}${fmt(a).padStart(14)}${fmt(b).padStart(14)}${ratio && a! > 0 ? `${(b! / a!).toFixed(2)}x`.padStart(10) : ''}`);
  };
  const services = Object.keys(rounds[0]!.checkout.cpu).filter((k) => !NOT_SERVICES.has(k));
  const perOrderMs = (p: Phase, key: string) => (p.cpu[key]! / p.orders) * 1000;
  const servicesMs = (p: Phase) => services.reduce((sum, k) => sum + perOrderMs(p, k), 0);
  const idleRate = services.reduce((sum, k) => sum + idle.cpu[k]!, 0) / idle.seconds;
  const netMs = (p: Phase) => ((services.reduce((sum, k) => sum + p.cpu[k]!, 0) - idleRate * p.cpuWallS) / p.orders) * 1000;

  out.push('', `fulfillment benchmark: medians over ${rounds.length} round(s)`, '');
  out.push(`${''.padEnd(38)}${'checkout only'.padStart(14)}${'whole life'.padStart(14)}${'ratio'.padStart(10)}`);
  row('orders per round', med((p) => p.orders), 0);
  row('GET /orders/:id polls per order', med((p) => p.polls / p.orders));
  row('orders/s (first request to last done)', med((p) => p.orders / p.wallS), 2);
  row('POST /checkout p50 ms', med((p) => percentile(p.checkoutMs, 50)));
  row('POST /checkout p99 ms', med((p) => percentile(p.checkoutMs, 99)));
  row('checkout -> closed p50 ms', med((p) => percentile(p.lifeMs, 50)), 0);
  row('checkout -> closed p99 ms', med((p) => percentile(p.lifeMs, 99)), 0);
  row('handover -> capture p50 ms', med((p) => percentile(p.captureMs, 50)));
  row('handover -> capture p99 ms', med((p) => percentile(p.captureMs, 99)));
  out.push('', 'CPU ms per order, by process');
  for (const key of services) row(`  ${key}`, med((p) => perOrderMs(p, key)), 1, true);
  row('  all of the above', med(servicesMs), 1, true);
  row('  the same, less idle (pollers, timers)', med(netMs), 1, true);
  row('  bench client (loadgen)', med((p) => perOrderMs(p, 'loadgen')), 1, true);
  row('  machine (every process)', med((p) => perOrderMs(p, 'machine')), 1, true);
  out.push(`idle: ${(idleRate * 1000).toFixed(0)} ms CPU per second across these processes with nothing to do (${services.map((k) => `${k} ${((idle.cpu[k]! / idle.seconds) * 1000).toFixed(0)}`).join(', ')})`);

  const perRound = rounds.map((r) => servicesMs(r.life) / servicesMs(r.checkout));
  const ratio = median(perRound);
  const netRatio = median(rounds.map((r) => netMs(r.life) / netMs(r.checkout)));
  out.push(
    '',
    `whole life / checkout alone, CPU per order: ${ratio.toFixed(2)}x (less idle: ${netRatio.toFixed(2)}x); target <= ${targetRatio}x: ${ratio <= targetRatio ? 'met' : 'NOT MET'}`,
    // One median hides how far rounds of the same code fall apart on a shared machine: show each.
    `  each round: ${perRound.map((r) => `${r.toFixed(2)}x`).join(', ')}`,
  );

  const last = rounds[rounds.length - 1]!;
  out.push('', `server work per order by workflow type (histories of up to 20 orders of the last round): checkout only | whole life`);
  const types = [...new Set([...last.checkout.work.keys(), ...last.life.work.keys()])];
  const cols = ['workflowTasks', 'activities', 'localActivities', 'timers', 'signals', 'updates', 'events'] as const;
  out.push(`${'workflow type'.padEnd(22)}${cols.map((c) => c.padStart(16)).join('')}`);
  for (const type of types) {
    const cell = (c: (typeof cols)[number]) => {
      const a = last.checkout.work.get(type)?.[c] ?? 0;
      const b = last.life.work.get(type)?.[c] ?? 0;
      return `${a.toFixed(1)} | ${b.toFixed(1)}`.padStart(16);
    };
    out.push(`${type.padEnd(22)}${cols.map(cell).join('')}`);
  }
  out.push('', ...notes.map((n) => `- ${n}`), '');
  process.stdout.write(out.join('\n'));
}
