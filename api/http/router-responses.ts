import type { AnyRouteSpec, ResponseSpec } from './api-router';
import type { ProblemType } from './problem';

/**
 * What ApiRouter, body parsing and authentication answer before a route's handler runs, so that
 * every route documents them without each one having to remember: a refused token, a body that
 * is not JSON, a control character in any field, a broken %-escape in the path, a spent rate limit.
 */
export function routerResponses(route: AnyRouteSpec): Record<number, ResponseSpec> {
  const invalid: ProblemType[] = ['validation-failed'];
  if (route.params) invalid.push('malformed-path');
  if (route.body) invalid.push('malformed-json');
  const responses: Record<number, ResponseSpec> = { 400: { description: 'Invalid request', problems: invalid } };
  if (route.roles) responses[401] = { description: 'No valid token', problems: ['unauthorized'] };
  if (Array.isArray(route.roles)) responses[403] = { description: 'A token of another role', problems: ['forbidden'] };
  if (route.rateLimit) responses[429] = { description: 'Too many requests from this caller in the last minute; retry after `Retry-After` seconds', problems: ['rate-limited'] };
  if (route.body) {
    responses[413] = { description: 'The body is too large', problems: ['payload-too-large'] };
    responses[415] = { description: 'Not JSON', problems: ['unsupported-media-type'] };
  }
  return responses;
}

/** The route's own responses, with what the router answers added to the statuses it shares. */
export function withRouterResponses(route: AnyRouteSpec): Record<number, ResponseSpec> {
  const responses: Record<number, ResponseSpec> = { ...route.responses };
  for (const [status, added] of Object.entries(routerResponses(route)).map(([s, r]) => [Number(s), r] as const)) {
    const own = responses[status];
    if (!own) responses[status] = added;
    else if (!own.schema) responses[status] = { ...own, problems: [...new Set([...(own.problems ?? []), ...(added.problems ?? [])])] };
  }
  return responses;
}
