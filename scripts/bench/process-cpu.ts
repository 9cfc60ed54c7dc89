import { readFileSync, readdirSync } from 'node:fs';

// USER_HZ: 100 on every Linux build this runs on (getconf CLK_TCK).
const CLOCK_TICKS = 100;

/** utime, stime, cutime, cstime in ticks; the fields after the parenthesised command name. */
function times(pid: number): { own: number; reaped: number; ppid: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), own: Number(fields[11]) + Number(fields[12]), reaped: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined;
  }
}

/** CPU seconds a process (all its threads) has used so far. */
export function processCpu(pid: number | undefined): number {
  if (pid === undefined) return 0;
  return (times(pid)?.own ?? 0) / CLOCK_TICKS;
}

const pids = (): number[] => readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);

/**
 * CPU seconds of a process and its children, live ones and those already reaped: a PostgreSQL
 * backend that exits during a phase moves from the first sum to the second, and is counted once.
 */
export function treeCpu(rootPid: number | undefined): number {
  if (rootPid === undefined) return 0;
  const root = times(rootPid);
  if (!root) return 0;
  let ticks = root.own + root.reaped;
  for (const pid of pids()) {
    const child = times(pid);
    if (child?.ppid === rootPid) ticks += child.own + child.reaped;
  }
  return ticks / CLOCK_TICKS;
}

export function findPid(matches: (argv: string[]) => boolean): number | undefined {
  for (const pid of pids()) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      if (matches(argv)) return pid;
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

export function pidFromFile(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.slice(0, 8).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3]! + ticks[4]!;
  return { busy: (total - idle) / CLOCK_TICKS, total: total / CLOCK_TICKS };
}
