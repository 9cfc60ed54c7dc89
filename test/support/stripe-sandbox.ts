import type { Fault } from '../../sandboxes/stripe/faults';
import type { RecordedRequest, RequestFilter } from '../../sandboxes/stripe/request-log';
import type { Delivery } from '../../sandboxes/stripe/webhook-endpoints';
import { testConfig } from './test-stack';

export type { RecordedRequest };

/**
 * The Stripe sandbox's control API (sandboxes/stripe), as the tests use it: what reached
 * "Stripe", faults to switch on, and authorizations to let lapse. The sandbox itself is
 * driven through the official SDK by the code under test.
 */
export interface StripeSandbox {
  readonly url: string;
  requests(filter?: RequestFilter): Promise<RecordedRequest[]>;
  /** The PaymentIntent as the sandbox keeps it (GET /v1/payment_intents/:id). */
  paymentIntent(
    id: string,
  ): Promise<Record<string, unknown> & { id: string; status: string; amount_capturable: number; amount_received: number; cancellation_reason: string | null; metadata: Record<string, string> }>;
  /** Scope it with idempotencyKeyPrefix: the sandbox is shared by every suite of the run. */
  fault(fault: Omit<Fault, 'times'> & { times?: number }): Promise<void>;
  clearFaults(): Promise<void>;
  expire(paymentIntentId: string): Promise<void>;
  /** A succeeded refund fails now, with the reason given: refund.failed and refund.updated are sent. */
  failRefund(refundId: string, failureReason?: string): Promise<{ id: string; status: string; failure_reason: string | null }>;
  webhookDeliveries(type?: string): Promise<Delivery[]>;
}

/** The PaymentIntent ids a set of requests got back (a lost answer counts: the sandbox did the work). */
export const paymentIntentIds = (requests: RecordedRequest[]): Set<string> =>
  new Set(requests.map((r) => r.response?.id).filter((id): id is string => typeof id === 'string' && id.startsWith('pi_')));

export function stripeSandbox(url = testConfig().stripe.apiBase): StripeSandbox {
  if (!url) throw new Error('STRIPE_API_BASE must point at the Stripe sandbox (scripts/stack.sh starts it)');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(path, url), {
      method,
      headers: { authorization: `Bearer ${testConfig().stripe.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${path}: the sandbox answered ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  return {
    url,
    requests: async (filter = {}) => {
      const query = new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      return (await call<{ data: RecordedRequest[] }>('GET', `/_sandbox/requests?${query}`)).data;
    },
    paymentIntent: (id) => call('GET', `/v1/payment_intents/${encodeURIComponent(id)}`),
    fault: (fault) => call('POST', '/_sandbox/faults', { times: 1, ...fault }),
    clearFaults: () => call('DELETE', '/_sandbox/faults'),
    expire: (id) => call('POST', `/_sandbox/payment_intents/${encodeURIComponent(id)}/expire`),
    failRefund: (id, failureReason) => call('POST', `/_sandbox/refunds/${encodeURIComponent(id)}/fail`, failureReason ? { failure_reason: failureReason } : {}),
    webhookDeliveries: async (type) => (await call<{ data: Delivery[] }>('GET', `/_sandbox/webhook-deliveries${type ? `?type=${encodeURIComponent(type)}` : ''}`)).data,
  };
}
