import type { Json } from './sandbox-store';

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

export interface RequestFilter {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
  idempotencyKeyPrefix?: string;
}

const KEPT = 20_000;

export function createRequestLog() {
  const requests: RecordedRequest[] = [];
  return {
    add(request: RecordedRequest): RecordedRequest {
      requests.push(request);
      if (requests.length > KEPT) requests.splice(0, requests.length - KEPT);
      return request;
    },
    find({ method, path, idempotencyKeyPrefix }: RequestFilter): RecordedRequest[] {
      return requests.filter(
        (r) =>
          (!method || r.method === method.toUpperCase()) &&
          (!path || (path.endsWith('*') ? r.path.startsWith(path.slice(0, -1)) : r.path === path)) &&
          (!idempotencyKeyPrefix || (r.idempotencyKey ?? '').startsWith(idempotencyKeyPrefix)),
      );
    },
    clear(): void {
      requests.length = 0;
    },
  };
}
