/**
 * Faults switched on through the control API, each for the next `times` matching requests:
 * `fail` answers 500 without doing anything; `lose-answer` does the work but the caller gets a
 * 500; `delay` does the work and answers `delayMs` late; `hang` does the work and never answers
 * (the caller's timeout ends it). A fault with a `reference` hits only requests about the shipment
 * with that reference (its creation, or any call on it), so suites sharing the sandbox cannot
 * take each other's faults.
 */
export interface Fault {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  reference?: string;
  effect: 'fail' | 'lose-answer' | 'delay' | 'hang';
  times: number;
  delayMs?: number;
}

export const faultEffects: ReadonlyArray<Fault['effect']> = ['fail', 'lose-answer', 'delay', 'hang'];

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
    take(method: string, path: string, reference: string | null): Fault | undefined {
      const fault = faults.find(
        (f) =>
          f.times > 0 &&
          (!f.method || f.method.toUpperCase() === method) &&
          (f.path.endsWith('*') ? path.startsWith(f.path.slice(0, -1)) : path === f.path) &&
          (!f.reference || f.reference === reference),
      );
      if (fault) fault.times -= 1;
      return fault;
    },
  };
}
