import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the Stripe SDK sent, as it went over the wire. */
export interface RecordedStripeRequest {
  method: string;
  /** Without the query string, e.g. /v1/payment_intents/pi_123/cancel */
  path: string;
  idempotencyKey: string | undefined;
  /** The form body, keys as sent: `metadata[orderId]`, `expand[0]`. */
  form: Record<string, string>;
  /** What the SDK received (after any rewrite). */
  response?: StripeAnswer;
}

export interface StripeAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Replaces stripe-mock's answer to a request it has already processed and validated, or returns
 * undefined to pass it on. This is how a test reaches what a stateless mock cannot do: a
 * confirmed authorization, a card decline, an answer lost on the way back.
 */
export type StripeRewrite = (request: RecordedStripeRequest, upstream: StripeAnswer) => StripeAnswer | undefined | Promise<StripeAnswer | undefined>;

export interface StripeRecorder {
  /** Point a Stripe client here (config.stripe.apiBase). */
  readonly url: string;
  readonly requests: RecordedStripeRequest[];
  /** Requests to a path, e.g. `/v1/payment_intents` (creates) or a prefix ending in `*`. */
  requestsTo(method: string, path: string): RecordedStripeRequest[];
  rewrite(rule: StripeRewrite | undefined): void;
  /** Forgets the recorded requests and the rewrite. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * A recording HTTP proxy in front of stripe-mock: every request is forwarded unchanged (so
 * stripe-mock still validates it against Stripe's OpenAPI spec) and recorded with its
 * Idempotency-Key and form body, so tests can count provider writes and check their keys.
 */
export async function startStripeRecorder(target: string): Promise<StripeRecorder> {
  const upstream = new URL(target);
  const requests: RecordedStripeRequest[] = [];
  let rule: StripeRewrite | undefined;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://recorder');
      const key = req.headers['idempotency-key'];
      const recorded: RecordedStripeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        idempotencyKey: Array.isArray(key) ? key.join(',') : key,
        form: Object.fromEntries(new URLSearchParams(body.toString('utf8'))),
      };
      requests.push(recorded);
      forward(req, body)
        .then(async (answer) => (await rule?.(recorded, answer)) ?? answer)
        .then((answer) => {
          recorded.response = answer;
          res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': 'req_recorded' }).end(JSON.stringify(answer.body));
        })
        .catch((error: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { type: 'api_error', message: String(error) } }));
        });
    });
  });

  function forward(req: http.IncomingMessage, body: Buffer): Promise<StripeAnswer> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: upstream.host, 'content-length': String(body.length) };
      const outgoing = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            try {
              resolve({ status: answer.statusCode ?? 502, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> });
            } catch (error) {
              reject(error);
            }
          });
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (method, path) =>
      requests.filter((r) => r.method === method && (path.endsWith('*') ? r.path.startsWith(path.slice(0, -1)) : r.path === path)),
    rewrite: (next) => {
      rule = next;
    },
    reset: () => {
      requests.length = 0;
      rule = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const isPaymentIntentCreate = (request: RecordedStripeRequest) => request.method === 'POST' && request.path === '/v1/payment_intents';
const succeeded = (upstream: StripeAnswer) => upstream.status >= 200 && upstream.status < 300;

/**
 * What Stripe answers when a manual-capture PaymentIntent is confirmed and the card authorizes:
 * status requires_capture with the whole amount capturable, and the charge's capture deadline.
 * (stripe-mock answers every PaymentIntent with its fixture status, requires_payment_method.)
 */
export function authorizes(captureBefore = Math.floor(Date.now() / 1000) + 7 * 24 * 3600): StripeRewrite {
  return (request, upstream) => {
    if (!isPaymentIntentCreate(request) || !succeeded(upstream)) return undefined;
    const charge = upstream.body.latest_charge;
    const latestCharge =
      charge && typeof charge === 'object'
        ? withCaptureBefore(charge as Record<string, unknown>, captureBefore)
        : charge;
    return {
      status: upstream.status,
      body: { ...upstream.body, status: 'requires_capture', amount_capturable: upstream.body.amount, latest_charge: latestCharge },
    };
  };
}

function withCaptureBefore(charge: Record<string, unknown>, captureBefore: number): Record<string, unknown> {
  const details = (charge.payment_method_details ?? {}) as Record<string, unknown>;
  const card = (details.card ?? {}) as Record<string, unknown>;
  return { ...charge, payment_method_details: { ...details, card: { ...card, capture_before: captureBefore } } };
}

/** What Stripe answers for a declined card: HTTP 402, a card_error carrying the failed PaymentIntent. */
export function declines(declineCode = 'insufficient_funds'): StripeRewrite {
  return (request, upstream) => {
    if (!isPaymentIntentCreate(request) || !succeeded(upstream)) return undefined;
    const lastPaymentError = { type: 'card_error', code: 'card_declined', decline_code: declineCode, message: 'Your card was declined.' };
    return {
      status: 402,
      body: {
        error: {
          ...lastPaymentError,
          payment_intent: { ...upstream.body, status: 'requires_payment_method', last_payment_error: lastPaymentError },
        },
      },
    };
  };
}

/**
 * The first `times` matching requests reach stripe-mock (which processes them) but their answers
 * are lost: the SDK sees a 500. Later ones go to `then`.
 */
export function losesAnswers(times: number, matches: (request: RecordedStripeRequest) => boolean, then?: StripeRewrite): StripeRewrite {
  let lost = 0;
  return (request, upstream) => {
    if (matches(request) && lost < times) {
      lost += 1;
      return { status: 500, body: { error: { type: 'api_error', message: 'The answer was lost (stripe-recorder).' } } };
    }
    return then?.(request, upstream);
  };
}

/** Stripe's error answer in place of stripe-mock's success, for the matching requests (e.g. a key reused, an unknown PaymentMethod). */
export function failsWith(
  status: number,
  error: (upstreamBody: Record<string, unknown>) => Record<string, unknown>,
  matches: (request: RecordedStripeRequest) => boolean,
): StripeRewrite {
  return (request, upstream) => (matches(request) && succeeded(upstream) ? { status, body: { error: error(upstream.body) } } : undefined);
}
