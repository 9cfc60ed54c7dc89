import { percentile, type Sample } from './checkout-load';
import type { StepTimes } from './history-breakdown';

export interface CpuSeconds {
  api: number;
  workers: number;
  temporal: number;
  postgres: number;
  elasticsearch: number;
  redis: number;
  loadgen: number;
  /** Every process on the machine, all cores. */
  machine: number;
}

export interface PhaseResult {
  name: string;
  samples: Sample[];
  wallMs: number;
  /** Request start to the order's search document written (real) or its indexOrder returned (skeleton). */
  settledMs: number[];
  unsettled: number;
  /** From the first request to the last order settled plus the drain. */
  cpuWallS: number;
  cpu: CpuSeconds;
  /** From a sample of the phase's workflow histories. */
  steps: StepTimes;
}

/** CPU over a stretch of wall time; checkouts 0 for the idle baseline. */
export interface CpuRow {
  name: string;
  cpuWallS: number;
  cpu: CpuSeconds;
  checkouts: number;
}

export interface Targets {
  p99Ms: number;
  ratio: number;
}

const ok = (s: Sample) => s.status >= 200 && s.status < 300;
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export function throughput(phase: PhaseResult): number {
  return phase.samples.filter(ok).length / (phase.wallMs / 1000);
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/** One round: the skeleton and our checkout measured one after the other on the same server. */
export interface Round {
  skeleton: PhaseResult;
  real: PhaseResult;
}

const median = (values: number[]) => percentile(values, 50);

export function printReport(idle: CpuRow, rounds: Round[], targets: Targets, notes: string[], cores: number): void {
  const phases = rounds.flatMap((round) => [round.skeleton, round.real]);
  const out: string[] = ['', ...notes, ''];
  out.push(
    ...table(
      ['scenario', 'checkouts', 'non-2xx', 'req/s', 'POST p50', 'p95', 'p99 ms', 'settled p50', 'p95', 'p99 ms', 'unsettled'],
      phases.map((p) => {
        const ms = p.samples.map((s) => s.ms);
        return [
          p.name,
          String(p.samples.length),
          String(p.samples.filter((s) => !ok(s)).length),
          fmt(throughput(p)),
          fmt(percentile(ms, 50)),
          fmt(percentile(ms, 95)),
          fmt(percentile(ms, 99)),
          fmt(percentile(p.settledMs, 50)),
          fmt(percentile(p.settledMs, 95)),
          fmt(percentile(p.settledMs, 99)),
          String(p.unsettled),
        ];
      }),
    ),
  );
  out.push('', `CPU seconds per process over each phase (first request to last order settled + 1 s drain); ${cores} cores`);
  out.push(
    ...table(
      ['scenario', 'wall s', 'api', 'workers', 'temporal', 'postgres', 'elastic', 'redis', 'loadgen', 'other', 'machine', 'busy %', 'stack CPU ms/checkout'],
      [idle, ...phases.map((p) => ({ name: p.name, cpu: p.cpu, cpuWallS: p.cpuWallS, checkouts: p.samples.length }))].map(({ name, cpu, cpuWallS, checkouts }) => {
        const measured = cpu.api + cpu.workers + cpu.temporal + cpu.postgres + cpu.elasticsearch + cpu.redis + cpu.loadgen;
        return [
          name,
          fmt(cpuWallS),
          fmt(cpu.api),
          fmt(cpu.workers),
          fmt(cpu.temporal),
          fmt(cpu.postgres),
          fmt(cpu.elasticsearch),
          fmt(cpu.redis),
          fmt(cpu.loadgen),
          fmt(Math.max(0, cpu.machine - measured)),
          fmt(cpu.machine),
          `${fmt((cpu.machine / (cpuWallS * cores)) * 100, 0)}%`,
          checkouts ? fmt(((cpu.api + cpu.workers + cpu.temporal + cpu.postgres + cpu.elasticsearch + cpu.redis) / checkouts) * 1000, 0) : '-',
        ];
      }),
    ),
  );
  out.push('', 'Where the time to confirmation goes, per checkout, from the server\'s event times (a sample of each phase\'s histories)');
  out.push(
    ...table(
      ['scenario', 'local activities', 'activities', 'queue wait ms', 'running ms', 'workflow tasks', 'queue wait ms', 'running ms', 'start to confirmed ms'],
      phases.map(({ name, steps }) => [
        name,
        fmt(steps.localActivities),
        fmt(steps.activities),
        fmt(steps.activityQueueMs),
        fmt(steps.activityRunMs),
        fmt(steps.workflowTasks),
        fmt(steps.workflowTaskQueueMs),
        fmt(steps.workflowTaskRunMs),
        fmt(steps.confirmMs),
      ]),
    ),
  );
  // Each round compares both scenarios side by side; the medians over rounds shrug off one disturbed round.
  const p99Of = (phase: PhaseResult) => percentile(phase.samples.map((s) => s.ms), 99);
  out.push('', `per round (side by side on the same server), then the median over ${rounds.length} rounds`);
  const perRound = rounds.map(({ skeleton, real }, i) => ({
    name: `round ${i + 1}`,
    skeleton: throughput(skeleton),
    real: throughput(real),
    ratio: throughput(real) / throughput(skeleton),
    skeletonP99: p99Of(skeleton),
    realP99: p99Of(real),
  }));
  const medians = {
    name: 'median',
    skeleton: median(perRound.map((r) => r.skeleton)),
    real: median(perRound.map((r) => r.real)),
    ratio: median(perRound.map((r) => r.ratio)),
    skeletonP99: median(perRound.map((r) => r.skeletonP99)),
    realP99: median(perRound.map((r) => r.realP99)),
  };
  out.push(
    ...table(
      ['', 'skeleton req/s', 'checkout req/s', 'ratio', 'skeleton POST p99 ms', 'checkout POST p99 ms'],
      [...perRound, medians].map((r) => [r.name, fmt(r.skeleton), fmt(r.real), `${fmt(r.ratio * 100)}%`, fmt(r.skeletonP99), fmt(r.realP99)]),
    ),
  );
  const pooledP99 = percentile(rounds.flatMap(({ real }) => real.samples.map((s) => s.ms)), 99);
  out.push(
    `checkout POST p99 over all ${rounds.reduce((n, { real }) => n + real.samples.length, 0)} checkouts pooled: ${fmt(pooledP99)} ms`,
    `target: POST /checkout p99 < ${targets.p99Ms} ms (median over rounds): ${fmt(medians.realP99)} ms, ${medians.realP99 < targets.p99Ms ? 'met' : 'MISSED'}`,
    `target: throughput >= ${targets.ratio * 100}% of the skeleton's (median over rounds): ${fmt(medians.ratio * 100)}%, ${medians.ratio >= targets.ratio ? 'met' : 'MISSED'}`,
  );
  out.push('', 'what bounds each phase:');
  for (const phase of phases) out.push(`  ${limits(phase, cores)}`);
  console.log(out.join('\n'));
}

/** One line per phase naming what bounds it: the machine's CPU, who burnt it, and how long tasks sat in queues. */
function limits({ name, cpu, cpuWallS, samples, steps }: PhaseResult, cores: number): string {
  const perCheckout = (seconds: number) => `${fmt((seconds / samples.length) * 1000, 0)}`;
  const parts = (
    [
      ['temporal', cpu.temporal],
      ['workers', cpu.workers],
      ['api', cpu.api],
      ['elastic', cpu.elasticsearch],
      ['postgres', cpu.postgres],
      ['redis', cpu.redis],
    ] as const
  )
    .slice()
    .sort((a, b) => b[1] - a[1])
    .map(([who, seconds]) => `${who} ${perCheckout(seconds)}`);
  const waits = steps.activityQueueMs + steps.workflowTaskQueueMs;
  return `${name}: machine ${fmt((cpu.machine / (cpuWallS * cores)) * 100, 0)}% busy; CPU ms per checkout: ${parts.join(', ')}; tasks waited in Temporal queues ${fmt(waits, 0)} of ${fmt(steps.confirmMs, 0)} ms to confirmation (${fmt((waits / steps.confirmMs) * 100, 0)}%)`;
}
