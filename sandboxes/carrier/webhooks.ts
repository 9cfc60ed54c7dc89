import { createHmac } from 'node:crypto';
import { asObject, asText, isoTime, newId, type CarrierContext } from './carrier-context';
import type { CarrierObject, CarrierStore, Json } from './carrier-store';
import { invalidParameter, notFound } from './easypost-error';

/** A registered endpoint. Its secret is kept but, as at EasyPost, never shown again. */
export type Webhook = CarrierObject & { object: 'Webhook'; url: string; disabled_at: string | null; webhook_secret: string | null };
export type CarrierEvent = CarrierObject & { object: 'Event'; description: string; result: CarrierObject };

export interface Delivery {
  eventId: string;
  description: string;
  /** The reference of the shipment the event is about, when there is one. */
  reference: string | null;
  trackerStatus: string | null;
  url: string;
  attempt: number;
  /** The endpoint's HTTP status, 0 when it could not be reached, null when a fault kept it from being sent. */
  status: number | null;
  fault?: WebhookFault['effect'];
  at: string;
}

/**
 * Faults on the way to the endpoints, each for the next `times` matching events: `lose` never
 * sends it, `duplicate` sends it twice, `out-of-order` holds it back until the next event to the
 * same endpoint has gone (or `holdMs` passed). Scoped by the shipment's reference.
 */
export interface WebhookFault {
  effect: 'lose' | 'duplicate' | 'out-of-order';
  reference?: string;
  description?: string;
  times: number;
}

export interface WebhookOptions {
  /** The secret for endpoints registered without their own (and the one from the environment). */
  defaultSecret: string;
  attempts: number;
  firstRetryMs: number;
  holdMs: number;
  log: (message: string, fields: Json) => void;
}

export const renderWebhook = ({ webhook_secret: _secret, ...webhook }: Webhook): Json => webhook;

/**
 * EasyPost renders weights as floats (`"weight":16.0`), and its client libraries rewrite a bare
 * integer weight that way before checking the signature: the sandbox sends what it signs in that form.
 */
export const easyPostJson = (value: unknown): string => JSON.stringify(value).replace(/("weight":)(-?\d+)(?=[,}])/g, '$1$2.0');

export const signature = (body: string, secret: string): string => `hmac-sha256-hex=${createHmac('sha256', Buffer.from(secret.normalize('NFKD'), 'utf8')).update(body, 'utf8').digest('hex')}`;

export function createWebhook(ctx: CarrierContext, body: Record<string, unknown>): Webhook {
  const params = asObject(body.webhook);
  const url = asText(params.url);
  if (!url || !/^https?:\/\//.test(url)) throw invalidParameter('url', 'A webhook needs an http(s) url.');
  return ctx.store.put<Webhook>({ id: newId('hook'), object: 'Webhook', mode: 'test', url, disabled_at: null, webhook_secret: asText(params.webhook_secret) ?? null, created_at: isoTime(ctx.now()) });
}

export function deleteWebhook(ctx: CarrierContext, id: string): Json {
  const webhook = ctx.store.get<Webhook>(id, 'Webhook');
  if (!webhook || webhook.disabled_at) throw notFound('Webhook', id);
  ctx.store.put<Webhook>({ ...webhook, disabled_at: isoTime(ctx.now()) });
  return {};
}

/** Sends each event to every enabled webhook, signed as EasyPost signs, in order per endpoint, retried with doubling delays. */
export function createWebhookSender(store: CarrierStore, options: WebhookOptions) {
  const deliveries: Delivery[] = [];
  const queues = new Map<string, Promise<void>>();
  const held = new Map<string, { event: CarrierEvent; reference: string | null; timer: NodeJS.Timeout }>();
  let faults: WebhookFault[] = [];

  const record = (delivery: Delivery) => {
    deliveries.push(delivery);
    if (deliveries.length > 10_000) deliveries.splice(0, deliveries.length - 10_000);
  };

  async function attempt(webhook: Webhook, event: CarrierEvent, reference: string | null, attemptNo: number): Promise<boolean> {
    const payload = easyPostJson(event);
    let status = 0;
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hmac-signature': signature(payload, webhook.webhook_secret ?? options.defaultSecret), 'user-agent': 'EasyPost WebHook Agent 1.0 (sandbox)' },
        body: payload,
        signal: AbortSignal.timeout(10_000),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    record({ eventId: event.id, description: event.description, reference, trackerStatus: trackerStatus(event), url: webhook.url, attempt: attemptNo, status, at: new Date().toISOString() });
    return status >= 200 && status < 300;
  }

  function deliver(webhook: Webhook, event: CarrierEvent, reference: string | null, attemptNo = 1): Promise<void> {
    return attempt(webhook, event, reference, attemptNo).then((ok) => {
      if (ok || attemptNo >= options.attempts) return;
      setTimeout(() => {
        if (store.get<Webhook>(webhook.id, 'Webhook')?.disabled_at === null) void deliver(webhook, event, reference, attemptNo + 1);
      }, options.firstRetryMs * 2 ** (attemptNo - 1)).unref();
    });
  }

  function enqueue(webhook: Webhook, task: () => Promise<void>): void {
    const next = (queues.get(webhook.id) ?? Promise.resolve()).then(task);
    queues.set(webhook.id, next);
  }

  function takeFault(event: CarrierEvent, reference: string | null): WebhookFault | undefined {
    const fault = faults.find((f) => f.times > 0 && (!f.reference || f.reference === reference) && (!f.description || f.description === event.description));
    if (fault) fault.times -= 1;
    return fault;
  }

  function releaseHeld(webhook: Webhook): void {
    const waiting = held.get(webhook.id);
    if (!waiting) return;
    held.delete(webhook.id);
    clearTimeout(waiting.timer);
    enqueue(webhook, () => deliver(webhook, waiting.event, waiting.reference));
  }

  return {
    deliveries,
    addFault(fault: WebhookFault): void {
      faults.push({ ...fault });
    },
    clearFaults(): void {
      faults = [];
    },
    send(event: CarrierEvent, reference: string | null): void {
      const fault = takeFault(event, reference);
      for (const webhook of store.all<Webhook>('Webhook')) {
        if (webhook.disabled_at) continue;
        if (fault?.effect === 'lose') {
          record({ eventId: event.id, description: event.description, reference, trackerStatus: trackerStatus(event), url: webhook.url, attempt: 1, status: null, fault: 'lose', at: new Date().toISOString() });
          continue;
        }
        if (fault?.effect === 'out-of-order' && !held.has(webhook.id)) {
          held.set(webhook.id, { event, reference, timer: setTimeout(() => releaseHeld(webhook), options.holdMs).unref() });
          continue;
        }
        enqueue(webhook, () => deliver(webhook, event, reference));
        if (fault?.effect === 'duplicate') enqueue(webhook, () => deliver(webhook, event, reference));
        releaseHeld(webhook);
      }
    },
    stop(): void {
      for (const waiting of held.values()) clearTimeout(waiting.timer);
      held.clear();
    },
  };
}

const trackerStatus = (event: CarrierEvent): string | null => (event.result.object === 'Tracker' ? String(event.result.status) : null);
