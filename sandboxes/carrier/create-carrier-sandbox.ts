import express, { type Request, type Response } from 'express';
import { asText, isoTime, newId, type CarrierContext } from './carrier-context';
import { matchRoute } from './carrier-routes';
import { CarrierStore, type CarrierObject, type Json } from './carrier-store';
import { EasyPostError } from './easypost-error';
import { createFaults, faultEffects } from './faults';
import { labelDocument } from './label-document';
import { createCarrierRequestLog } from './request-log';
import { mountControlRoutes } from '../shared/control-routes';
import type { ScanForm } from './scan-forms';
import { findShipment, labelPurchases, renderShipment, settleDueRefunds, type Shipment } from './shipments';
import { outcomes, planOutcome, stepDueJourneys, stepJourney, type Outcome, type Tracker } from './trackers';
import { createWebhookSender, easyPostJson, type CarrierEvent, type Webhook, type WebhookFault } from './webhooks';

export interface CarrierSandboxOptions {
  /** Signs events for webhooks registered without a secret of their own, and for `webhookUrl`. */
  webhookSecret: string;
  /** An endpoint to send every event to, registered at start (the API's carrier webhook in dev). */
  webhookUrl?: string;
  journalPath?: string;
  /** Milliseconds from one tracking status to the next once a parcel is handed over. */
  stepMs: number;
  webhookAttempts: number;
  webhookFirstRetryMs: number;
  log: (message: string, fields: Json) => void;
}

export interface CarrierSandbox {
  app: express.Express;
  /** Stops the clock and lets go of hung requests: for tests that start and stop it in-process. */
  stop(): void;
}

/**
 * A stateful stand-in for EasyPost's v2 API, for the part the shipping adapter uses: shipments
 * with rates from two carriers, label purchase (a real PDF it serves itself), refunds, trackers
 * that move on their own once the parcels are handed over on a scan form, address verification,
 * and signed `Event`s to registered webhooks. `/_sandbox/*` is its control API for tests and people.
 */
export function createCarrierSandbox(options: CarrierSandboxOptions): CarrierSandbox {
  const store = new CarrierStore(options.journalPath);
  const webhooks = createWebhookSender(store, { defaultSecret: options.webhookSecret, attempts: options.webhookAttempts, firstRetryMs: options.webhookFirstRetryMs, holdMs: 2_000, log: options.log });
  const requests = createCarrierRequestLog();
  const faults = createFaults();
  const hanging = new Set<Response>();

  const referenceOfShipment = (id: string | null | undefined): string | null => (id ? (store.get<Shipment>(id, 'Shipment')?.reference ?? null) : null);
  const referenceOfEvent = (result: CarrierObject): string | null =>
    result.object === 'Shipment' ? ((result as Shipment).reference ?? null) : result.object === 'Tracker' ? referenceOfShipment((result as Tracker).shipment_id) : null;

  const contextFor = (publicUrl: string): CarrierContext => {
    const ctx: CarrierContext = {
      store,
      now: () => Date.now(),
      stepMs: options.stepMs,
      publicUrl,
      emit: (description, result, previousAttributes = {}) => {
        const at = isoTime(ctx.now());
        const event = store.put<CarrierEvent>({
          id: newId('evt'),
          object: 'Event',
          mode: 'test',
          description,
          previous_attributes: previousAttributes,
          result: structuredClone(result),
          status: 'pending',
          pending_urls: [],
          completed_urls: [],
          user_id: 'user_sandbox',
          created_at: at,
          updated_at: at,
        });
        webhooks.send(event, referenceOfEvent(result));
      },
    };
    return ctx;
  };
  const background = contextFor('');

  if (options.webhookUrl && !store.all<Webhook>('Webhook').some((w) => !w.disabled_at && w.url === options.webhookUrl)) {
    store.put<Webhook>({ id: newId('hook'), object: 'Webhook', mode: 'test', url: options.webhookUrl, disabled_at: null, webhook_secret: null, created_at: isoTime(Date.now()) });
  }

  // The carrier's clock: parcels move and refunds settle on their own.
  const clock = setInterval(
    () => {
      try {
        stepDueJourneys(background);
        settleDueRefunds(background);
      } catch (error) {
        options.log('sandbox clock failed', { err: String(error) });
      }
    },
    Math.max(10, Math.min(1_000, Math.floor(options.stepMs / 4))),
  );
  clock.unref();

  /** The reference of the shipment a request is about: what faults and recorded requests are scoped by. */
  function referenceOf(path: string, body: Record<string, unknown>): string | null {
    const shipment = /^\/v2\/shipments\/([^/]+)/.exec(path);
    if (shipment) {
      try {
        return findShipment(background, decodeURIComponent(shipment[1]!)).reference;
      } catch {
        return null;
      }
    }
    if (path === '/v2/shipments') return asText((body.shipment as Json | undefined)?.reference) ?? null;
    const tracker = /^\/v2\/trackers\/([^/]+)$/.exec(path);
    if (tracker) return referenceOfShipment(store.get<Tracker>(decodeURIComponent(tracker[1]!), 'Tracker')?.shipment_id);
    return null;
  }

  async function handleApi(req: Request, res: Response): Promise<void> {
    const method = req.method.toUpperCase();
    const path = req.path;
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const reply = (status: number, answer: unknown) => {
      res.status(status).type('application/json').set('x-ep-request-uuid', newId('req').slice(4)).send(easyPostJson(answer));
    };
    if (!apiKeyOf(req)) return reply(401, { error: { code: 'APIKEY.REQUIRED', message: 'An API key is required: HTTP basic auth (the key as user name) or a bearer token.', errors: [] } });

    const reference = referenceOf(path, body);
    const recorded = requests.add({ at: new Date().toISOString(), method, path, reference, body: method === 'GET' ? req.query : body });
    const fault = faults.take(method, path, reference);
    if (fault) recorded.fault = fault.effect;
    if (fault?.effect === 'fail') {
      recorded.status = 500;
      return reply(500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'The sandbox failed this request on purpose (fault: fail).', errors: [] } });
    }

    const matched = matchRoute(method, path);
    let status = 200;
    let answer: unknown;
    if (!matched) {
      status = 404;
      answer = new EasyPostError(404, 'NOT_FOUND', `The sandbox does not implement ${method} ${path}.`).body;
    } else {
      try {
        answer = matched.handle(contextFor(`${req.protocol}://${req.get('host')}`), body, matched.id, req.query as Record<string, unknown>);
        // EasyPost answers 201 for what a POST creates; buying and refunding change an existing shipment.
        status = method === 'POST' && !/\/(buy|refund)$/.test(path) ? 201 : 200;
      } catch (error) {
        if (!(error instanceof EasyPostError)) throw error;
        status = error.status;
        answer = error.body;
      }
    }
    recorded.status = status;
    recorded.response = answer;

    if (fault?.effect === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault?.effect === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1_000));
    if (fault?.effect === 'lose-answer') return reply(500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'The answer was lost on the way back (fault: lose-answer).', errors: [] } });
    reply(status, answer);
  }

  const app = express();
  app.disable('x-powered-by');
  app.use('/_sandbox', express.json());
  mountControlRoutes(app, { scope: 'reference', requests, faults, effects: faultEffects, onClearFaults: () => webhooks.clearFaults() });
  app.post('/_sandbox/webhook-faults', (req, res) => {
    const fault = req.body as Partial<WebhookFault>;
    if (!['lose', 'duplicate', 'out-of-order'].includes(String(fault.effect))) {
      res.status(400).json({ error: 'a webhook fault needs an effect: lose, duplicate or out-of-order' });
      return;
    }
    webhooks.addFault({ effect: fault.effect as WebhookFault['effect'], reference: fault.reference, description: fault.description, times: Number(fault.times ?? 1) });
    res.status(201).json(fault);
  });
  app.get('/_sandbox/labels', (req, res) => {
    const reference = typeof req.query.reference === 'string' ? req.query.reference : undefined;
    // Each purchase with its refund as it stands: `live` counts the labels not refunded.
    const purchases = labelPurchases(background, reference).map((p) => ({ ...p, refund_status: store.get<Shipment>(p.shipment_id, 'Shipment')?.refund_status ?? null }));
    res.json({ reference: reference ?? null, count: purchases.length, live: purchases.filter((p) => p.refund_status !== 'refunded').length, data: purchases });
  });
  app.get('/_sandbox/webhook-deliveries', (req, res) => {
    const text = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    const reference = text('reference');
    const description = text('description');
    res.json({ data: webhooks.deliveries.filter((d) => (!reference || d.reference === reference) && (!description || d.description === description)) });
  });
  /** Where the parcel ends once handed over: delivered (the default), failure or return_to_sender. */
  app.post('/_sandbox/shipments/:id/outcome', (req, res) => {
    const outcome = (req.body as { outcome?: Outcome }).outcome;
    if (!outcome || !outcomes.includes(outcome)) {
      res.status(400).json({ error: `an outcome is one of: ${outcomes.join(', ')}` });
      return;
    }
    withTrackerOf(req, res, (tracker) => planOutcome(background, tracker, outcome));
  });
  /** Moves the parcel one status on now, instead of waiting for the clock. */
  app.post('/_sandbox/shipments/:id/advance', (req, res) => {
    withTrackerOf(req, res, (tracker) => stepJourney(background, tracker));
  });
  app.use('/v2', express.json({ type: () => true, limit: '1mb' }));
  app.all('/v2/*', (req, res, next) => {
    handleApi(req, res).catch(next);
  });
  // Labels and scan forms are public files, as EasyPost serves them from its storage: no API key.
  app.get('/files/postage_label/:id.pdf', (req, res) => {
    const shipment = store.all<Shipment>('Shipment').find((s) => s.postage_label?.id === req.params.id);
    if (!shipment) return void res.status(404).end();
    const rate = shipment.selected_rate!;
    const to = shipment.to_address;
    res.type('application/pdf').send(labelDocument([`${rate.carrier} ${rate.service}`, `TRACKING ${shipment.tracking_code}`, `SHIP TO ${to.name ?? ''}`, `${to.street1 ?? ''} ${to.street2 ?? ''}`, `${to.city ?? ''} ${to.state ?? ''} ${to.zip ?? ''} ${to.country}`, `REF ${shipment.reference ?? '-'}`, 'SANDBOX LABEL - NOT VALID POSTAGE']));
  });
  app.get('/files/scan_form/:id.pdf', (req, res) => {
    const form = store.get<ScanForm>(req.params.id, 'ScanForm');
    if (!form) return void res.status(404).end();
    res.type('application/pdf').send(labelDocument([`SCAN FORM ${form.id}`, ...form.tracking_codes.map((code) => `PARCEL ${code}`)]));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    const parse = (error as { type?: string }).type === 'entity.parse.failed';
    if (!parse) options.log('sandbox error', { err: String(error) });
    res.status(parse ? 400 : 500).json({ error: { code: parse ? 'PARAMETER.INVALID_JSON' : 'INTERNAL_SERVER_ERROR', message: parse ? 'The request body is not valid JSON.' : `The sandbox failed: ${String(error)}`, errors: [] } });
  });

  function withTrackerOf(req: Request, res: Response, act: (tracker: Tracker) => unknown): void {
    try {
      const shipment = renderShipment(background, findShipment(background, String(req.params.id)));
      if (!shipment.tracker) throw new EasyPostError(422, 'SHIPMENT.POSTAGE.REQUIRED', 'The shipment has no label, so no tracker.');
      act(shipment.tracker);
      res.json(renderShipment(background, findShipment(background, shipment.id)).tracker);
    } catch (error) {
      if (!(error instanceof EasyPostError)) throw error;
      res.status(error.status).json(error.body);
    }
  }

  return {
    app,
    stop() {
      clearInterval(clock);
      webhooks.stop();
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
  };
}

/** EasyPost's client sends the key as HTTP basic auth's user name; a bearer token works too. Any non-empty key is a test key here. */
function apiKeyOf(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (!basic) return undefined;
  const user = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':')[0];
  return user || undefined;
}
