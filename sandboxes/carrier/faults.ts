import { createFaultList, type ArmedFault } from '../shared/fault-list';

/**
 * Faults switched on through the control API, each for the next `times` matching requests:
 * `fail` answers 500 without doing anything; `lose-answer` does the work but the caller gets a
 * 500; `delay` does the work and answers `delayMs` late; `hang` does the work and never answers
 * (the caller's timeout ends it). A fault with a `reference` hits only requests about the shipment
 * with that reference (its creation, or any call on it), so suites sharing the sandbox cannot
 * take each other's faults.
 */
export interface Fault extends ArmedFault<'fail' | 'lose-answer' | 'delay' | 'hang'> {
  reference?: string;
}

export const faultEffects: ReadonlyArray<Fault['effect']> = ['fail', 'lose-answer', 'delay', 'hang'];

export const createFaults = () => createFaultList<Fault, string | null>((fault, reference) => !fault.reference || fault.reference === reference);
