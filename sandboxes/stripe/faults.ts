/**
 * Faults switched on through the control API, each for the next `times` matching requests:
 * `fail` answers 500 without doing anything; `lose-answer` does the work (and keeps the answer
 * under its idempotency key) but the caller gets a 500, as when a response is lost on the way
 * back (a replayed answer too); `delay` answers late. A fault with an idempotencyKeyPrefix hits only
 * requests under it, so suites sharing the sandbox cannot take each other's faults.
 */
export interface Fault {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  idempotencyKeyPrefix?: string;
  effect: 'fail' | 'lose-answer' | 'delay';
  times: number;
  delayMs?: number;
}

export function createFaults() {
  let faults: Fault[] = [];
  return {
    add(fault: Fault): void {
      faults.push({ ...fault });
    },
    clear(): void {
      faults = [];
    },
    /** The fault for this request, if one is armed; each use counts down its `times`. */
    take(method: string, path: string, idempotencyKey: string | null): Fault | undefined {
      const fault = faults.find(
        (f) =>
          f.times > 0 &&
          (!f.method || f.method.toUpperCase() === method) &&
          (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path) &&
          (!f.idempotencyKeyPrefix || (idempotencyKey ?? '').startsWith(f.idempotencyKeyPrefix)),
      );
      if (fault) fault.times -= 1;
      return fault;
    },
  };
}
