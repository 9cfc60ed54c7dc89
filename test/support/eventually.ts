import { setTimeout as delay } from 'node:timers/promises';

/**
 * Reads `probe` until `done` accepts its value, or fails after `timeoutMs` with the last value:
 * how a test waits for work a workflow does after it answered.
 */
export async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean, { timeoutMs = 20_000, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} not reached in ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await delay(100);
  }
}
