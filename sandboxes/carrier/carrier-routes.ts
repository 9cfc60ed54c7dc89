import { createAddress, createAndVerifyAddress, type Address } from './addresses';
import type { CarrierContext } from './carrier-context';
import type { CarrierObject } from './carrier-store';
import { notFound } from './easypost-error';
import { createScanForm, findScanForm } from './scan-forms';
import { buyShipment, createShipment, findShipment, listShipments, refundShipment, renderShipment } from './shipments';
import { createTracker, findTracker, listTrackers } from './trackers';
import { createWebhook, deleteWebhook, renderWebhook, type Webhook } from './webhooks';

type Handler = (ctx: CarrierContext, body: Record<string, unknown>, id: string, query: Record<string, unknown>) => unknown;
interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

const route = (method: string, path: string, handle: Handler): Route => ({ method, pattern: new RegExp(`^${path.replace(':id', '([^/]+)')}$`), handle });

const found = <T extends CarrierObject>(ctx: CarrierContext, id: string, object: T['object']): T => {
  const value = ctx.store.get<T>(id, object);
  if (!value) throw notFound(object, id);
  return value;
};

/** The part of EasyPost's v2 API the sandbox implements; ids in shipment paths may be references. */
export const carrierRoutes: Route[] = [
  route('POST', '/v2/shipments', (ctx, body) => createShipment(ctx, body)),
  route('GET', '/v2/shipments', (ctx, _body, _id, query) => listShipments(ctx, query)),
  route('GET', '/v2/shipments/:id', (ctx, _body, id) => renderShipment(ctx, findShipment(ctx, id))),
  route('POST', '/v2/shipments/:id/buy', (ctx, body, id) => renderShipment(ctx, buyShipment(ctx, findShipment(ctx, id), body))),
  route('POST', '/v2/shipments/:id/refund', (ctx, _body, id) => renderShipment(ctx, refundShipment(ctx, findShipment(ctx, id)))),
  route('POST', '/v2/trackers', (ctx, body) => createTracker(ctx, body)),
  route('GET', '/v2/trackers', (ctx, _body, _id, query) => listTrackers(ctx, query)),
  route('GET', '/v2/trackers/:id', (ctx, _body, id) => findTracker(ctx, id)),
  route('POST', '/v2/addresses', (ctx, body) => createAddress(ctx, body)),
  route('POST', '/v2/addresses/create_and_verify', (ctx, body) => createAndVerifyAddress(ctx, body)),
  route('GET', '/v2/addresses/:id', (ctx, _body, id) => found<Address>(ctx, id, 'Address')),
  route('POST', '/v2/scan_forms', (ctx, body) => createScanForm(ctx, body)),
  route('GET', '/v2/scan_forms/:id', (ctx, _body, id) => findScanForm(ctx, id)),
  route('POST', '/v2/webhooks', (ctx, body) => renderWebhook(createWebhook(ctx, body))),
  route('GET', '/v2/webhooks', (ctx) => ({ webhooks: ctx.store.all<Webhook>('Webhook').filter((w) => !w.disabled_at).map(renderWebhook) })),
  route('GET', '/v2/webhooks/:id', (ctx, _body, id) => renderWebhook(found<Webhook>(ctx, id, 'Webhook'))),
  route('DELETE', '/v2/webhooks/:id', (ctx, _body, id) => deleteWebhook(ctx, id)),
  route('GET', '/v2/events/:id', (ctx, _body, id) => found(ctx, id, 'Event')),
];

export function matchRoute(method: string, path: string): { handle: Handler; id: string } | undefined {
  for (const candidate of carrierRoutes) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { handle: candidate.handle, id: decodeURIComponent(match[1] ?? '') };
  }
  return undefined;
}
