import { CancellationScope, isCancellation, sleep } from '@temporalio/workflow';

export interface Deadline {
  /** The deadline no longer matters; whatever it started finishes first. */
  stop(): Promise<void>;
}

/**
 * Runs `onPassed` at `at` (workflow time) unless stopped first, beside the main flow: a deadline
 * is a fact to record and report, not a reason to stop what the parcel is waiting for.
 */
export function watchDeadline(at: number, onPassed: () => Promise<void> | void): Deadline {
  const scope = new CancellationScope();
  let fired = false;
  const running = scope
    .run(async () => {
      await sleep(Math.max(at - Date.now(), 1));
      fired = true;
    })
    .then(
      () => onPassed(),
      (error: unknown) => {
        if (!isCancellation(error)) throw error;
      },
    );
  return {
    stop: async () => {
      if (!fired) scope.cancel();
      await running;
    },
  };
}
