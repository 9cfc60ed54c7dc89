import { matchesPath } from './path-pattern';

export interface LoggedRequest {
  method: string;
  path: string;
}

export interface RequestLogFilter {
  method?: string;
  /** Exact path, or a prefix ending in `*`. */
  path?: string;
}

const KEPT = 20_000;

/** The requests a sandbox received, newest last, for tests to count and check; `inScope` adds the sandbox's own filter. */
export function createRequestLog<R extends LoggedRequest, Filter extends RequestLogFilter>(inScope: (request: R, filter: Filter) => boolean) {
  const requests: R[] = [];
  return {
    add(request: R): R {
      requests.push(request);
      if (requests.length > KEPT) requests.splice(0, requests.length - KEPT);
      return request;
    },
    find(filter: Filter): R[] {
      return requests.filter((r) => (!filter.method || r.method === filter.method.toUpperCase()) && (!filter.path || matchesPath(filter.path, r.path)) && inScope(r, filter));
    },
    clear(): void {
      requests.length = 0;
    },
  };
}
