import type { RetryPolicy } from '@temporalio/workflow';

/**
 * Bounded, explicit retries. Past them a saga compensates and ends: it never hangs on a step
 * that keeps failing, and business failures (non-retryable) end it at once.
 */
export const stepRetry: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 };

/** Read models may lag: a few tries, then the catch-up schedule heals what is left. */
export const readModelRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 };

/** Work that must happen eventually (stock already moved, the index must follow): no attempt limit. */
export const untilDoneRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes' };

/** A scheduled sweep finishes what it started, however long a dependency is away; the next run is no excuse to drop a batch. */
export const sweepRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' };

/**
 * A capture rides out a provider outage of about 40 minutes (doubling to 5 minutes apart, 15
 * attempts), well inside the day the expiry policy leaves before a hold lapses. Past that the run
 * fails and is started again under the same id, hence the same key: never a second capture.
 */
export const captureRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 15 };

/**
 * A parcel's carrier calls: a carrier outage never loses a paid label or a handover, so they
 * retry until the carrier answers (each purchase is idempotent by the parcel's reference).
 * Refusals (an undeliverable address, no rate) are non-retryable and end the step at once.
 */
export const carrierRetry: RetryPolicy = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' };
