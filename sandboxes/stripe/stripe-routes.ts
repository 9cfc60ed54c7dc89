import type { Charge } from './charges';
import {
  cancelPaymentIntent,
  capturePaymentIntent,
  confirmPaymentIntent,
  createPaymentIntent,
  findPaymentIntent,
  renderWith,
  searchPaymentIntents,
} from './payment-intents';
import { createRefund, findRefund } from './refunds';
import type { SandboxContext } from './sandbox-context';
import type { Json, StripeObject } from './sandbox-store';
import { resourceMissing } from './stripe-error';
import { createWebhookEndpoint, deleteWebhookEndpoint, type WebhookEndpoint } from './webhook-endpoints';

type Handler = (ctx: SandboxContext, params: Json, id: string) => Json;
interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

const route = (method: string, path: string, handle: Handler): Route => ({
  method,
  pattern: new RegExp(`^${path.replace(':id', '([A-Za-z0-9_]+)')}$`),
  handle,
});

const found = <T extends StripeObject>(ctx: SandboxContext, id: string, object: T['object']): T => {
  const value = ctx.store.get<T>(id, object);
  if (!value) throw resourceMissing(object, id);
  return value;
};

/** The part of Stripe's API the sandbox keeps state for; any other path gets stripe-mock's answer. */
export function stripeRoutes(webhookSecret: string): Route[] {
  return [
    route('POST', '/v1/payment_intents', (ctx, params) => renderWith(ctx, params)(createPaymentIntent(ctx, params))),
    route('GET', '/v1/payment_intents/search', (ctx, params) => searchPaymentIntents(ctx, params)),
    route('GET', '/v1/payment_intents/:id', (ctx, params, id) => renderWith(ctx, params)(findPaymentIntent(ctx, id))),
    route('POST', '/v1/payment_intents/:id/confirm', (ctx, params, id) => renderWith(ctx, params)(confirmPaymentIntent(ctx, findPaymentIntent(ctx, id), params))),
    route('POST', '/v1/payment_intents/:id/capture', (ctx, params, id) => renderWith(ctx, params)(capturePaymentIntent(ctx, findPaymentIntent(ctx, id), params))),
    route('POST', '/v1/payment_intents/:id/cancel', (ctx, params, id) => renderWith(ctx, params)(cancelPaymentIntent(ctx, findPaymentIntent(ctx, id), params))),
    route('GET', '/v1/charges/:id', (ctx, _params, id) => found<Charge>(ctx, id, 'charge')),
    route('POST', '/v1/refunds', (ctx, params) => createRefund(ctx, params)),
    route('GET', '/v1/refunds/:id', (ctx, _params, id) => findRefund(ctx, id)),
    route('GET', '/v1/events/:id', (ctx, _params, id) => found(ctx, id, 'event')),
    route('POST', '/v1/webhook_endpoints', (ctx, params) => createWebhookEndpoint(ctx, params, webhookSecret)),
    route('GET', '/v1/webhook_endpoints', (ctx) => ({
      object: 'list',
      url: '/v1/webhook_endpoints',
      has_more: false,
      data: ctx.store.all<WebhookEndpoint>('webhook_endpoint').filter((endpoint) => endpoint.status === 'enabled'),
    })),
    route('DELETE', '/v1/webhook_endpoints/:id', (ctx, _params, id) => deleteWebhookEndpoint(ctx, id)),
  ];
}

export function matchRoute(routes: Route[], method: string, path: string): { handle: Handler; id: string } | undefined {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { handle: candidate.handle, id: match[1] ?? '' };
  }
  return undefined;
}
