import type { ErrorRequestHandler, RequestHandler } from 'express';
import { refusalCodes, type RefusalCode } from '../../domain/order-state';
import type { ReturnRefusalCode } from '../../domain/returns';

/** What each reason an order refuses a request means to a caller; every refusal is a 409 of its own type. */
const refusalTitles: Record<RefusalCode, string> = {
  'checkout-in-progress': 'Checkout of this order is still running; retry after a moment',
  'already-shipped': 'Something has already left the warehouse; this needs a return or a refund instead',
  'order-final': 'The order has ended (rejected, cancelled or closed); nothing can change any more',
  'not-on-hold': 'Only an order held for risk review can be approved or rejected',
  'in-risk-review': 'The order is held for risk review; approve or reject it first',
  'nothing-left-to-ship': 'Nothing is left to ship, so there is nothing to hold',
  'already-held': 'Fulfillment is already held',
  'not-held': 'Fulfillment is not held, so there is nothing to release',
  'illegal-transition': 'The order cannot do that in its current status',
  'reason-required': 'Say why: a reason is required',
  'customer-not-allowed': 'Customers may only cancel; support does the rest',
  'refund-exceeds-refundable': 'The refund is more than what was captured less what was refunded and what refunds in flight take',
  'refund-invalid': 'The refund names lines the order lacks, more units than are left, or no amount',
  'nothing-captured': 'Nothing was captured from this order yet: cancel or release what is authorized instead of refunding',
  'refund-not-awaiting-approval': 'The refund is not waiting for approval (below the threshold, decided already, or expired)',
  'self-approval': 'A refund must be approved by an admin other than the person who asked for it',
  'not-an-admin': 'Only an admin may approve a refund above the approval threshold',
  'nothing-left-to-cancel': 'Every parcel of the order is with the carrier or ended; nothing is left to cancel',
};

const refusalProblems = Object.fromEntries(refusalCodes.map((code) => [code, { status: 409, title: refusalTitles[code] }])) as {
  [C in RefusalCode]: { status: 409; title: string };
};

/** What each refusal of a return means: a state the return or order is in (409), or a request that names the wrong things (422). */
const returnRefusalProblems: Record<ReturnRefusalCode, { status: 409 | 422; title: string }> = {
  'window-closed': { status: 409, title: 'The return window of this order has closed' },
  'not-delivered': { status: 409, title: 'Nothing of this order has been delivered yet' },
  'nothing-to-return': { status: 409, title: 'Nothing is left to return' },
  'quantity-exceeds-delivered': { status: 409, title: 'More units than were delivered and not yet returned' },
  'unknown-order-line': { status: 422, title: 'The order has no such line' },
  'duplicate-order-line': { status: 422, title: 'A line is named twice' },
  'invalid-reason-code': { status: 422, title: 'Unknown reason code' },
  'return-not-pending': { status: 409, title: 'The return is not waiting for a decision' },
  'return-not-awaiting-receipt': { status: 409, title: 'The return is not awaiting a parcel' },
  'inspection-mismatch': { status: 422, title: 'The inspection does not match the units returned' },
  'wrong-warehouse': { status: 409, title: 'The return label sends this return to another warehouse' },
};

/**
 * RFC 9457 problem details. `type` is stable per kind of problem (clients switch on it); it is
 * a relative URI that resolves to this API's own description of the problem.
 */
export const problemTypes = {
  'validation-failed': { status: 400, title: 'The request is not valid' },
  'malformed-path': { status: 400, title: 'The path is not valid percent-encoding' },
  'malformed-request': { status: 400, title: 'The request is not valid HTTP' },
  'request-too-large': { status: 431, title: 'The request line or its headers are too large' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'This role may not do that' },
  'not-found': { status: 404, title: 'No such resource' },
  'receipt-conflict': { status: 409, title: 'This receipt id was already used for a different receipt' },
  'already-exists': { status: 409, title: 'A resource with this key already exists' },
  'unknown-reference': { status: 422, title: 'The request refers to something that does not exist' },
  'constraint-violated': { status: 422, title: 'The change would break a rule the data must keep' },
  'insufficient-stock': { status: 409, title: 'Not enough stock for the requested quantity' },
  'cart-limit-exceeded': { status: 422, title: 'The cart would exceed its limits' },
  'idempotency-key-missing': { status: 400, title: 'Send an Idempotency-Key header (1 to 255 visible characters)' },
  'idempotency-key-reused': { status: 422, title: 'This Idempotency-Key was used for a different request' },
  'cart-empty': { status: 422, title: 'The cart is empty, expired or not yours' },
  'out-of-stock': { status: 409, title: 'Not enough stock for some lines; nothing was charged' },
  'price-changed': { status: 409, title: 'Prices changed since the items were added; confirm the new totals' },
  'payment-declined': { status: 402, title: 'The payment was declined; nothing was charged' },
  'risk-rejected': { status: 422, title: 'The order could not be accepted' },
  'address-undeliverable': { status: 422, title: 'We cannot deliver to this address' },
  'email-in-use': { status: 409, title: 'This email belongs to another account; sign in to it or use another email. Nothing was charged' },
  'checkout-failed': { status: 503, title: 'Checkout could not complete; nothing was charged. Retry with a new Idempotency-Key' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Send application/json' },
  'rate-limited': { status: 429, title: 'Too many requests; retry after the Retry-After delay' },
  'service-unavailable': { status: 503, title: 'A dependency is unavailable; retry later' },
  'search-unavailable': { status: 503, title: 'Search is temporarily unavailable; retry after the Retry-After delay' },
  internal: { status: 500, title: 'Something went wrong on our side' },
  'parcel-not-awaiting-pack': { status: 409, title: 'The parcel is not waiting to be packed' },
  'parcel-being-packed': { status: 409, title: 'The parcel was packed and its label is being bought' },
  'parcel-size-invalid': { status: 409, title: 'A parcel needs a positive weight and positive dimensions' },
  'parcel-label-not-bought': { status: 409, title: 'The parcel has no label yet: pack it first' },
  'parcel-already-handed-over': { status: 409, title: 'The parcel was already handed to the carrier' },
  'parcel-on-hold': { status: 409, title: "Support holds the order's fulfillment: do not pack or hand over its parcels until it is released" },
  'parcel-final': { status: 409, title: "The parcel's journey has ended; nothing can change any more" },
  'sku-in-stock': { status: 409, title: 'The SKU is in stock: buy it now instead of waiting for it' },
  'notification-not-failed': { status: 409, title: 'Only a failed notification can be sent again' },
  ...refusalProblems,
  ...returnRefusalProblems,
} as const;

export type ProblemType = keyof typeof problemTypes;

export const problemTypeUri = (type: ProblemType): string => `/problems/${type}`;

export class Problem extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly type: ProblemType,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? problemTypes[type].title);
    this.name = 'Problem';
    this.status = problemTypes[type].status;
    this.title = problemTypes[type].title;
  }

  toJSON(instance?: string): Record<string, unknown> {
    // RFC 9457's own members come last, so no extension can replace them (an order's status is not the HTTP status).
    return {
      ...this.extensions,
      type: problemTypeUri(this.type),
      title: this.title,
      status: this.status,
      ...(this.detail && { detail: this.detail }),
      ...(instance && { instance }),
    };
  }
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new Problem('not-found', `${req.method} ${req.path} does not exist`));
};

/** The one error mapper: everything leaves as problem+json, and only our own faults are 500s. */
export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const problem = toProblem(error);
  if (problem.status >= 500) req.log?.error({ err: error }, 'request failed');
  res
    .status(problem.status)
    .set(problem.headers)
    .type('application/problem+json')
    .json({ ...problem.toJSON(req.originalUrl), requestId: req.id });
};

function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  // body-parser marks its errors with a type and an HTTP status.
  const parserType = (error as { type?: string }).type;
  if (parserType === 'entity.parse.failed') return new Problem('malformed-json');
  if (parserType === 'entity.too.large') return new Problem('payload-too-large');
  if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') return new Problem('unsupported-media-type');
  // Express decodes path parameters; a broken %-sequence arrives here as a URIError.
  if (error instanceof URIError) return new Problem('malformed-path');
  const database = databaseProblem(error);
  if (database) return database;
  return new Problem('internal', 'The error was logged with this request id.');
}

/**
 * The database is the last guard of the invariants: when it refuses a write, the caller
 * learns which rule it broke (by constraint name) rather than seeing a 500.
 */
function databaseProblem(error: unknown): Problem | undefined {
  const { code, constraint } = error as { code?: string; constraint?: string };
  if (isDatabaseAway(error)) return new Problem('service-unavailable', 'A dependency (the database) is not answering; retry after Retry-After.', {}, { 'Retry-After': '5' });
  const extensions = constraint ? { constraint } : {};
  switch (code) {
    case '23505':
      return new Problem('already-exists', constraint ? `Refused by ${constraint}.` : undefined, extensions);
    case '23503':
      return new Problem('unknown-reference', constraint ? `Refused by ${constraint}.` : undefined, extensions);
    case '23514':
    case '23502':
    case '22P02':
      return new Problem('constraint-violated', constraint ? `Refused by ${constraint}.` : undefined, extensions);
    default:
      return undefined;
  }
}

/**
 * The database is restarting, failing over or unreachable: class 08 (connection exception) and
 * 57P0x (shut down by the operator, starting up), the socket errors of a refused or dropped
 * connection, and the pool's own timeout waiting for a connection.
 */
function isDatabaseAway(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: string };
  // Other clients' codes are numbers (gRPC status codes): only PostgreSQL and socket codes are strings.
  if (typeof code === 'string' && (code.startsWith('08') || /^57P0[1-3]$/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE'].includes(code))) return true;
  return /^(Connection terminated|timeout exceeded when trying to connect)/.test(message ?? '');
}
