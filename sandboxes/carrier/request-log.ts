/** One API request as it reached the sandbox, with the answer it got: what tests count and check. */
export interface RecordedRequest {
  at: string;
  method: string;
  path: string;
  /** The reference of the shipment the request is about, when there is one. */
  reference: string | null;
  body: unknown;
  /** The sandbox's answer: for a lost or hung one, what it did, not what the caller saw. */
  status?: number;
  response?: unknown;
  fault?: string;
}

export interface RequestFilter {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
  reference?: string;
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
    find({ method, path, reference }: RequestFilter): RecordedRequest[] {
      return requests.filter(
        (r) =>
          (!method || r.method === method.toUpperCase()) &&
          (!path || (path.endsWith('*') ? r.path.startsWith(path.slice(0, -1)) : r.path === path)) &&
          (!reference || r.reference === reference),
      );
    },
    clear(): void {
      requests.length = 0;
    },
  };
}
