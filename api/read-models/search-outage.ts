import { errors } from '@elastic/elasticsearch';

/** Unreachable, timing out or overloaded: the caller should retry. Anything else is our bug and stays a 500. */
export function isSearchOutage(error: unknown): boolean {
  if (error instanceof errors.ConnectionError || error instanceof errors.TimeoutError || error instanceof errors.NoLivingConnectionsError) {
    return true;
  }
  return error instanceof errors.ResponseError && [429, 502, 503, 504].includes(error.statusCode ?? 0);
}
