import express, { type Request, type Response } from 'express';
import qs from 'qs';
import { mountControlRoutes } from '../shared/control-routes';
import { createFaults, faultEffects } from './faults';
import { failRefund } from './refunds';
import { expireIfPastCaptureBefore, findPaymentIntent, type PaymentIntent } from './payment-intents';
import { createStripeRequestLog } from './request-log';
import { newId, type SandboxContext, type Templates } from './sandbox-context';
import { SandboxStore, type Json, type StripeObject } from './sandbox-store';
import { StripeError } from './stripe-error';
import { matchRoute, stripeRoutes } from './stripe-routes';
import { createWebhookEndpoint, createWebhookSender, type StripeEvent, type WebhookEndpoint } from './webhook-endpoints';

export interface StripeSandboxOptions {
  /** stripe-mock: every request is validated there against Stripe's OpenAPI spec first. */
  stripeMockUrl: string;
  webhookSecret: string;
  /** An endpoint to send every event to, registered at start (the API's /webhooks/stripe in dev). */
  webhookUrl?: string;
  journalPath?: string;
  authorizationTtlS: number;
  refundFailureDelayMs: number;
  webhookAttempts: number;
  webhookFirstRetryMs: number;
  log: (message: string, fields: Json) => void;
}

interface Answer {
  status: number;
  body: Json;
}

// The version the pinned SDK speaks (stripe-node's API_VERSION); events are rendered in it.
const API_VERSION = '2026-10-28.endive';

/**
 * A stateful stand-in for Stripe's API: stripe-mock checks each request's shape, then the
 * sandbox answers from what it keeps (PaymentIntents, charges, refunds, events), honouring
 * idempotency keys and the documented test PaymentMethods, and sends signed webhooks.
 * `/_sandbox/*` is its control API for tests and people: recorded requests, faults, expiry.
 */
export async function createStripeSandbox(options: StripeSandboxOptions) {
  const store = new SandboxStore(options.journalPath);
  const templates = await loadTemplates(options.stripeMockUrl);
  const webhooks = createWebhookSender(store, { secret: options.webhookSecret, attempts: options.webhookAttempts, firstRetryMs: options.webhookFirstRetryMs, log: options.log });
  const requests = createStripeRequestLog();
  const faults = createFaults();
  const inFlight = new Set<string>();
  const routes = stripeRoutes(options.webhookSecret);

  /** A context whose events carry the request that raised them, sent once the answer is kept. */
  const contextFor = (request: { id: string; idempotency_key: string | null } | null) => {
    const raised: Array<{ type: string; object: StripeObject }> = [];
    const ctx: SandboxContext = {
      store,
      templates,
      now: () => Math.floor(Date.now() / 1000),
      emit: (type, object) => raised.push({ type, object: structuredClone(object) }),
      authorizationTtlS: options.authorizationTtlS,
      refundFailureDelayMs: options.refundFailureDelayMs,
      later: (delayMs, task) => {
        setTimeout(() => {
          const background = contextFor(null);
          task(background.ctx);
          background.flush();
        }, delayMs).unref();
      },
    };
    const flush = () => {
      for (const { type, object } of raised.splice(0)) {
        const event = store.put<StripeEvent>({ id: newId('evt'), object: 'event', api_version: API_VERSION, created: ctx.now(), livemode: false, pending_webhooks: 1, request, type, data: { object } });
        webhooks.send(event);
      }
    };
    return { ctx, flush };
  };

  if (options.webhookUrl && !store.all<WebhookEndpoint>('webhook_endpoint').some((e) => e.status === 'enabled' && e.url === options.webhookUrl)) {
    const setup = contextFor(null);
    createWebhookEndpoint(setup.ctx, { url: options.webhookUrl, enabled_events: ['*'] }, options.webhookSecret);
  }

  // Authorizations lapse on their own, as the card networks release them.
  setInterval(() => {
    const sweep = contextFor(null);
    for (const intent of store.all<PaymentIntent>('payment_intent')) if (intent.status === 'requires_capture') expireIfPastCaptureBefore(sweep.ctx, intent);
    sweep.flush();
  }, 1_000).unref();

  async function handleApi(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const url = new URL(req.originalUrl, 'http://sandbox');
    const method = req.method.toUpperCase();
    const form = method === 'POST' ? raw.toString('utf8') : url.search.slice(1);
    const key = req.get('idempotency-key') ?? null;
    const recorded = requests.add({ at: new Date().toISOString(), method, path: url.pathname, idempotencyKey: key, form: Object.fromEntries(new URLSearchParams(form)) });
    const requestId = newId('req');
    const fault = faults.take(method, url.pathname, key);
    const send = (answer: Answer, replayed = false) => {
      recorded.status = answer.status;
      recorded.response = answer.body;
      if (replayed) recorded.replayed = true;
      // Any answer can be lost on the way back, a replayed one too: each lost answer counts down the fault.
      const lost = fault?.effect === 'lose-answer';
      if (lost) recorded.lost = true;
      const sent = lost ? apiError('The answer was lost on the way back (fault: lose-answer).') : answer;
      res.status(sent.status).set({ 'request-id': requestId, 'stripe-version': API_VERSION, ...(replayed && !lost && { 'idempotent-replayed': 'true' }) }).json(sent.body);
    };

    if (fault?.effect === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1_000));
    if (fault?.effect === 'fail') {
      recorded.status = 500;
      recorded.response = apiError('The sandbox failed this request on purpose (fault: fail).').body;
      res.status(500).set({ 'request-id': requestId, 'stripe-version': API_VERSION }).json(recorded.response);
      return;
    }

    const fingerprint = `${method} ${url.pathname} ${raw.toString('utf8')}`;
    if (key && method === 'POST') {
      const kept = store.answer(key);
      if (kept && kept.fingerprint !== fingerprint) {
        return send({ status: 400, body: { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } } });
      }
      if (kept) return send({ status: kept.status, body: kept.body }, true);
      if (inFlight.has(key)) return send({ status: 409, body: { error: { type: 'idempotency_error', message: 'There is currently another in-progress request using this idempotent key. Please try again later.' } } });
    }

    if (key) inFlight.add(key);
    try {
      const checked = await forward(options.stripeMockUrl, req, raw);
      // stripe-mock refused its shape: Stripe would refuse it before doing anything, so nothing is kept.
      if (checked.status >= 400) return send(checked);
      const matched = matchRoute(routes, method, url.pathname);
      if (!matched) return send(checked);
      const { ctx, flush } = contextFor({ id: requestId, idempotency_key: key });
      const params = qs.parse(form, { depth: 10, arrayLimit: 100 }) as Json;
      let answer: Answer;
      try {
        answer = { status: 200, body: matched.handle(ctx, params, matched.id) };
      } catch (error) {
        if (!(error instanceof StripeError)) throw error;
        answer = { status: error.status, body: { error: { ...error.error, request_log_url: null } } };
      }
      if (key && method === 'POST') store.keepAnswer(key, { fingerprint, ...answer });
      flush();
      send(answer);
    } finally {
      if (key) inFlight.delete(key);
    }
  }

  const app = express();
  app.disable('x-powered-by');
  app.use('/_sandbox', express.json());
  mountControlRoutes(app, { scope: 'idempotencyKeyPrefix', requests, faults, effects: faultEffects });
  app.post('/_sandbox/payment_intents/:id/expire', (req, res) => {
    const { ctx, flush } = contextFor(null);
    try {
      const expired = expireIfPastCaptureBefore(ctx, findPaymentIntent(ctx, req.params.id), true);
      flush();
      res.json(expired);
    } catch (error) {
      if (!(error instanceof StripeError)) throw error;
      res.status(error.status).json({ error: error.error });
    }
  });
  app.post('/_sandbox/refunds/:id/fail', (req, res) => {
    const { ctx, flush } = contextFor(null);
    try {
      const reason = typeof req.body?.failure_reason === 'string' ? (req.body.failure_reason as string) : undefined;
      const failed = failRefund(ctx, req.params.id, reason);
      flush();
      res.json(failed);
    } catch (error) {
      if (!(error instanceof StripeError)) throw error;
      res.status(error.status).json({ error: error.error });
    }
  });
  app.get('/_sandbox/webhook-deliveries', (req, res) => {
    const eventType = typeof req.query.type === 'string' ? req.query.type : undefined;
    res.json({ data: webhooks.deliveries.filter((d) => !eventType || d.type === eventType) });
  });
  app.use('/v1', express.raw({ type: () => true, limit: '1mb' }));
  app.all('/v1/*', (req, res, next) => {
    handleApi(req, res).catch(next);
  });
  app.use((error: unknown, _req: Request, res: Response, _next: express.NextFunction) => {
    options.log('sandbox error', { err: String(error) });
    res.status(500).json(apiError(`The sandbox failed: ${String(error)}`).body);
  });
  return app;
}

const apiError = (message: string): Answer => ({ status: 500, body: { error: { type: 'api_error', message } } });

async function forward(stripeMockUrl: string, req: Request, raw: Buffer): Promise<Answer> {
  const headers: Record<string, string> = {};
  for (const name of ['authorization', 'content-type', 'stripe-version', 'stripe-account']) {
    const value = req.get(name);
    if (value) headers[name] = value;
  }
  const response = await fetch(new URL(req.originalUrl, stripeMockUrl), { method: req.method, headers, ...(req.method !== 'GET' && req.method !== 'DELETE' && { body: raw }), signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as Json };
}

/** The shapes stripe-mock serves for these objects: every field Stripe documents, filled in. */
async function loadTemplates(stripeMockUrl: string): Promise<Templates> {
  const get = async (path: string): Promise<Json> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const response = await fetch(new URL(path, stripeMockUrl), { headers: { authorization: 'Bearer sk_test_sandbox' } });
        if (response.ok) return (await response.json()) as Json;
        throw new Error(`stripe-mock answered ${response.status} for ${path}`);
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  const [paymentIntent, charge, refund] = await Promise.all([get('/v1/payment_intents/pi_template'), get('/v1/charges/ch_template'), get('/v1/refunds/re_template')]);
  return { paymentIntent, charge, refund };
}
