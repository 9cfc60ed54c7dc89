import { createHmac } from 'node:crypto';
import { newId, type SandboxContext } from './sandbox-context';
import type { Json, SandboxStore, StripeObject } from './sandbox-store';
import { invalidRequest, resourceMissing } from './stripe-error';

export type WebhookEndpoint = StripeObject & { object: 'webhook_endpoint'; url: string; enabled_events: string[]; status: 'enabled' | 'disabled' };
export type StripeEvent = StripeObject & { object: 'event'; type: string; created: number };

export interface Delivery {
  eventId: string;
  type: string;
  url: string;
  attempt: number;
  /** The endpoint's HTTP status, or 0 when it could not be reached. */
  status: number;
  at: string;
}

export interface WebhookOptions {
  /** Every endpoint is signed with this secret (Stripe gives each endpoint its own). */
  secret: string;
  attempts: number;
  firstRetryMs: number;
  log: (message: string, fields: Json) => void;
}

/**
 * Sends each event to every enabled endpoint that wants it, signed as Stripe signs
 * (`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`), in the order raised per endpoint;
 * a failed delivery is retried with doubling delays in the background.
 */
export function createWebhookSender(store: SandboxStore, options: WebhookOptions) {
  const deliveries: Delivery[] = [];
  const queues = new Map<string, Promise<void>>();

  async function attempt(endpoint: WebhookEndpoint, event: StripeEvent, attemptNo: number): Promise<boolean> {
    const payload = JSON.stringify(event);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', options.secret).update(`${timestamp}.${payload}`).digest('hex');
    let status = 0;
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=${timestamp},v1=${signature}`, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks) sandbox' },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    deliveries.push({ eventId: event.id, type: event.type, url: endpoint.url, attempt: attemptNo, status, at: new Date().toISOString() });
    if (deliveries.length > 10_000) deliveries.splice(0, deliveries.length - 10_000);
    return status >= 200 && status < 300;
  }

  function retry(endpoint: WebhookEndpoint, event: StripeEvent, attemptNo: number): void {
    // An endpoint deleted meanwhile gets nothing more.
    if (store.get<WebhookEndpoint>(endpoint.id, 'webhook_endpoint')?.status !== 'enabled') return;
    if (attemptNo > options.attempts) {
      options.log('webhook given up', { eventId: event.id, url: endpoint.url, attempts: options.attempts });
      return;
    }
    setTimeout(() => {
      void attempt(endpoint, event, attemptNo).then((ok) => ok || retry(endpoint, event, attemptNo + 1));
    }, options.firstRetryMs * 2 ** (attemptNo - 2)).unref();
  }

  return {
    deliveries,
    send(event: StripeEvent): void {
      for (const endpoint of store.all<WebhookEndpoint>('webhook_endpoint')) {
        if (endpoint.status !== 'enabled' || !(endpoint.enabled_events.includes('*') || endpoint.enabled_events.includes(event.type))) continue;
        const previous = queues.get(endpoint.id) ?? Promise.resolve();
        const next = previous.then(async () => {
          if (!(await attempt(endpoint, event, 1))) retry(endpoint, event, 2);
        });
        queues.set(endpoint.id, next);
      }
    },
  };
}

export function createWebhookEndpoint(ctx: SandboxContext, params: Json, secret: string): WebhookEndpoint & { secret: string } {
  if (typeof params.url !== 'string' || !/^https?:\/\//.test(params.url)) throw invalidRequest('Invalid URL: an endpoint needs an http(s) url.', { param: 'url' });
  const events = params.enabled_events;
  const enabled = Array.isArray(events) ? events.map(String) : events && typeof events === 'object' ? Object.values(events).map(String) : [];
  if (enabled.length === 0) throw invalidRequest('Missing required param: enabled_events.', { param: 'enabled_events' });
  const endpoint = ctx.store.put<WebhookEndpoint>({ id: newId('we'), object: 'webhook_endpoint', url: params.url, enabled_events: enabled, status: 'enabled', created: ctx.now(), livemode: false, metadata: {} });
  // Stripe shows an endpoint's secret only in the answer that creates it.
  return { ...endpoint, secret };
}

export function deleteWebhookEndpoint(ctx: SandboxContext, id: string): Json {
  const endpoint = ctx.store.get<WebhookEndpoint>(id, 'webhook_endpoint');
  if (!endpoint || endpoint.status === 'disabled') throw resourceMissing('webhook_endpoint', id);
  ctx.store.put<WebhookEndpoint>({ ...endpoint, status: 'disabled' });
  return { id, object: 'webhook_endpoint', deleted: true };
}
