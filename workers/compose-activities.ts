/** An activity as a worker registers it: Temporal knows it only by the name it is registered under. */
export type Activity = (...args: never[]) => Promise<unknown>;
export type Activities = Record<string, Activity>;

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Two capabilities registering an activity under one name on one worker: one would silently replace the other. */
export class DuplicateActivityError extends Error {
  constructor(
    readonly activity: string,
    readonly capabilities: [string, string],
  ) {
    super(`activity "${activity}" is defined by both ${capabilities[0]} and ${capabilities[1]}: rename one of them`);
    this.name = 'DuplicateActivityError';
  }
}

/**
 * The activities of several capabilities, for one worker, keyed by capability so that a clash
 * names both sides: `composeActivities({ carts, payments })`. Throws DuplicateActivityError when
 * two of them define the same name, instead of letting the later one win.
 */
export function composeActivities<G extends Record<string, Activities>>(capabilities: G): Intersection<G[keyof G]> {
  const composed: Activities = {};
  const owners = new Map<string, string>();
  for (const [capability, activities] of Object.entries(capabilities)) {
    for (const [name, activity] of Object.entries(activities)) {
      const owner = owners.get(name);
      if (owner !== undefined) throw new DuplicateActivityError(name, [owner, capability]);
      if (typeof activity !== 'function') throw new TypeError(`activity "${name}" of ${capability} is not a function`);
      owners.set(name, capability);
      composed[name] = activity;
    }
  }
  return composed as Intersection<G[keyof G]>;
}

/**
 * Replaces activities by name on every worker that registers them: how tests inject a fault at
 * one step. An override must replace something: a name no worker registers (a typo, a renamed
 * activity) throws rather than leaving the test to run against the real activity.
 */
export function overrideActivities<Q extends Record<string, Activities>>(queues: Q, overrides: Activities): Q {
  const registered = (name: string) => Object.values(queues).some((activities) => Object.hasOwn(activities, name));
  const unknown = Object.keys(overrides).filter((name) => !registered(name));
  if (unknown.length > 0) throw new Error(`cannot override activities no worker registers: ${unknown.join(', ')}`);
  const replaced = Object.entries(queues).map(([queue, activities]) => {
    const own = Object.entries(overrides).filter(([name]) => Object.hasOwn(activities, name));
    return [queue, { ...activities, ...Object.fromEntries(own) }];
  });
  return Object.fromEntries(replaced) as Q;
}
