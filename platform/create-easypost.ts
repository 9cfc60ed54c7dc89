import EasyPostClient from '@easypost/api';
import type { Config } from './config';

export type EasyPost = InstanceType<typeof EasyPostClient>;

/**
 * The official client, pointed at the carrier sandbox locally through CARRIER_API_BASE (an origin;
 * the client wants the `/v2/` base). @easypost/api 8.x keeps its `timeout` option but never applies
 * it to a request, so a request middleware sets superagent's timeout: a carrier that hangs fails
 * the call and the activity retries it.
 */
export function createEasyPost(carrier: NonNullable<Config['carrier']>): EasyPost {
  return new EasyPostClient(carrier.apiKey, {
    baseUrl: new URL('/v2/', carrier.apiBase ?? 'https://api.easypost.com').toString(),
    timeout: carrier.timeoutMs,
    requestMiddleware: (request: { timeout(limits: { response: number; deadline: number }): unknown }) => request.timeout({ response: carrier.timeoutMs, deadline: carrier.timeoutMs }),
  });
}
