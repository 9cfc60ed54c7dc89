import { CancellationScope } from '@temporalio/workflow';

/**
 * The undo of every step taken so far. A compensation is registered before its step runs,
 * because a step can time out after it took effect; each compensation must therefore be
 * idempotent and safe when there is nothing to undo.
 */
export class Saga {
  private readonly compensations: { name: string; undo: () => Promise<unknown> }[] = [];

  /** Runs `action` with `undo` already registered. */
  async step<T>(name: string, action: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
    this.compensations.push({ name, undo });
    return action();
  }

  /** Undoes every step, newest first, even when the workflow is being cancelled. */
  async compensate(onUndone: (name: string) => void = () => undefined): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (let next = this.compensations.pop(); next; next = this.compensations.pop()) {
        await next.undo();
        onUndone(next.name);
      }
    });
  }

  /** The steps stand from here: nothing is undone any more. */
  commit(): void {
    this.compensations.length = 0;
  }
}
