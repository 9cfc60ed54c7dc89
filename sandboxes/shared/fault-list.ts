import { matchesPath } from './path-pattern';

/** A fault armed through a control API for the next `times` matching requests. */
export interface ArmedFault<Effect extends string> {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path: string;
  effect: Effect;
  times: number;
  delayMs?: number;
}

/**
 * The armed faults of a sandbox. `inScope` says whether a fault covers a request's scope (an
 * idempotency key, a shipment's reference), so suites sharing a sandbox never take each other's.
 */
export function createFaultList<F extends ArmedFault<string>, Scope>(inScope: (fault: F, scope: Scope) => boolean) {
  let faults: F[] = [];
  return {
    add(fault: F): void {
      faults.push({ ...fault });
    },
    clear(): void {
      faults = [];
    },
    /** The fault for this request, if one is armed; each use counts down its `times`. */
    take(method: string, path: string, scope: Scope): F | undefined {
      const fault = faults.find((f) => f.times > 0 && (!f.method || f.method.toUpperCase() === method) && matchesPath(f.path, path) && inScope(f, scope));
      if (fault) fault.times -= 1;
      return fault;
    },
  };
}
