import { createRequestLog, type RequestLogFilter } from '../shared/request-log';
import type { Json } from '../shared/object-store';

/** One API request as it reached the sandbox, with the answer it got: what tests count and check. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** The form body as sent, flat: `metadata[orderId]`, `expand[0]`. */
  form: Record<string, string>;
  /** The sandbox's answer: for a lost one, what it did and kept, not the 500 the caller got. */
  status?: number;
  response?: Json;
  /** Answered from what was kept under the Idempotency-Key. */
  replayed?: boolean;
  /** A lose-answer fault took it: the caller got a 500 instead. */
  lost?: boolean;
}

export interface RequestFilter extends RequestLogFilter {
  idempotencyKeyPrefix?: string;
}

export const createStripeRequestLog = () =>
  createRequestLog<RecordedRequest, RequestFilter>((r, { idempotencyKeyPrefix }) => !idempotencyKeyPrefix || (r.idempotencyKey ?? '').startsWith(idempotencyKeyPrefix));
