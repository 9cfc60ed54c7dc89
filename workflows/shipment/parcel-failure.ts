import { ApplicationFailure } from '@temporalio/workflow';

/** The type of the ApplicationFailure behind an activity's failure, if there is one. */
export function failureType(error: unknown): string | undefined {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure) return cause.type ?? undefined;
  }
  return undefined;
}
