import { createFaultList, type ArmedFault } from '../shared/fault-list';

/**
 * Faults switched on through the control API, each for the next `times` matching requests:
 * `fail` answers 500 without doing anything; `lose-answer` does the work (and keeps the answer
 * under its idempotency key) but the caller gets a 500, as when a response is lost on the way
 * back (a replayed answer too); `delay` answers late. A fault with an idempotencyKeyPrefix hits only
 * requests under it, so suites sharing the sandbox cannot take each other's faults.
 */
export interface Fault extends ArmedFault<'fail' | 'lose-answer' | 'delay'> {
  idempotencyKeyPrefix?: string;
}

export const faultEffects: ReadonlyArray<Fault['effect']> = ['fail', 'lose-answer', 'delay'];

export const createFaults = () =>
  createFaultList<Fault, string | null>((fault, idempotencyKey) => !fault.idempotencyKeyPrefix || (idempotencyKey ?? '').startsWith(fault.idempotencyKeyPrefix));
