import { sql, type Kysely } from 'kysely';
import type { Principal } from '../http/tokens';
import { z } from 'zod';
import {
  CART_ID_PATTERN,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  SKU_PATTERN,
  addLine,
  clearLines,
  defaultDestination,
  cartCurrency,
  lineTotal,
  mergeCarts,
  refreshLinePrices,
  type PriceRefresh,
  priceCart,
  removeLine,
  setLineQuantity,
  type CartRefusal,
  type Destination,
  type LineSnapshot,
  type MergedLine,
} from '../../domain/cart';
import { money } from '../../domain/money';
import { shippingSpeeds } from '../../domain/shipping-estimate';
import { findCurrentPrices } from '../../db/catalog-repository';
import type { Database } from '../../db/database';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { createCartStore, type StoredCart, type WriteResult } from '../read-models/cart-store';
import { Problem, type ProblemType } from '../http/problem';

const cartId = z
  .string()
  .regex(CART_ID_PATTERN, '22 base64url characters')
  .describe('The cart id (128 random bits, base64url). For an anonymous cart it is the only key to it: keep it secret.');
const sku = z.string().regex(SKU_PATTERN, 'letters, digits, dot, dash or underscore; at most 64').describe('The SKU, e.g. MSH-00001-GRY-M');

const destinationQuery = z
  .strictObject({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case')
      .optional()
      .describe("Destination country for the tax and shipping estimate. Default: the home market of the cart's currency (USD→US, EUR→DE, GBP→GB, CAD→CA), else US."),
    region: z
      .string()
      .regex(/^[A-Z0-9]{1,3}$/, 'ISO 3166-2 subdivision code without the country prefix')
      .optional()
      .describe('Subdivision for regional tax, e.g. CA for California or ON for Ontario. Needs country. Default: none (country rate; 0 for the US).'),
    speed: z.enum(shippingSpeeds).optional().describe('Shipping speed for the estimate. Default: standard.'),
  })
  .refine((query) => query.region === undefined || query.country !== undefined, { path: ['region'], message: 'region needs country' });
type DestinationQuery = z.output<typeof destinationQuery>;

const addLineBody = z
  .strictObject({
    sku,
    quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).describe(`Units to add to the line (1..${MAX_LINE_QUANTITY})`),
  })
  .describe('Adds units of a SKU; the price is taken from the catalog, never from the request.');
const setQuantityBody = z.strictObject({
  quantity: z.number().int().min(0).max(MAX_LINE_QUANTITY).describe(`The line's new quantity (0 removes the line)`),
});

const moneyView = z.object({ amount: z.number().int().describe('Integer minor units'), currency: z.string() });
const lineView = z.object({
  sku: z.string(),
  productId: z.string(),
  productName: z.string(),
  attributes: z.record(z.string(), z.string()),
  quantity: z.number().int(),
  unitPrice: moneyView.describe('The price when the line was added (or last repriced)'),
  lineTotal: moneyView,
  weightGrams: z.number().int().nullable(),
  addedAt: z.string(),
});
const cartView = z.object({
  id: z.string(),
  owner: z.enum(['anonymous', 'customer']),
  currency: z.string().nullable().describe('Shared by every line; null while the cart is empty'),
  lines: z.array(lineView),
  lineCount: z.number().int(),
  units: z.number().int(),
  destination: z.object({ country: z.string(), region: z.string().optional(), speed: z.enum(shippingSpeeds) }),
  totals: z
    .object({
      subtotal: moneyView,
      tax: z.object({ amount: moneyView, basisPoints: z.number().int(), jurisdiction: z.string(), shippingTaxable: z.boolean() }),
      shipping: z
        .object({ amount: moneyView, speed: z.enum(shippingSpeeds), zone: z.string(), days: z.object({ min: z.number().int(), max: z.number().int() }) })
        .nullable()
        .describe('Null when the rate card has no prices in the cart currency'),
      total: moneyView,
    })
    .nullable()
    .describe('Estimates for the destination; null while the cart is empty'),
  limits: z.object({ maxLines: z.number().int(), maxQuantityPerLine: z.number().int() }),
  createdAt: z.string(),
  updatedAt: z.string(),
  expiresAt: z.string().describe('The cart expires 30 days after its last change'),
});
const mergeView = cartView.extend({
  merge: z.object({
    sourceCartId: z.string(),
    replayed: z.boolean().describe('True when the anonymous cart had already been merged; nothing was added this time'),
    lines: z.array(
      z.object({
        sku: z.string(),
        requested: z.number().int(),
        added: z.number().int(),
        quantity: z.number().int(),
        limitedBy: z.enum(['stock', 'line-quantity', 'line-count', 'currency']).nullable(),
      }),
    ),
  }),
});

const repriceView = cartView.extend({
  repriced: z.object({
    changes: z.array(z.object({ sku: z.string(), was: moneyView, now: moneyView })).describe('Lines whose price moved to the current one'),
    unavailable: z.array(z.string()).describe('SKUs no longer for sale (or now in another currency): remove them before checking out'),
  }),
});

const optionalAuth =
  'Anonymous, or with a customer bearer token: a customer cart is visible only with its owner\'s token (anyone else gets 404). Staff tokens reach no customer cart here.';
const cartProblems = {
  400: { description: 'Invalid path, query or body', problems: ['validation-failed', 'malformed-json'] as ProblemType[] },
  401: { description: 'A token was sent but is not valid', problems: ['unauthorized'] as ProblemType[] },
  404: { description: 'No such cart (or not yours), or no such line', problems: ['not-found'] as ProblemType[] },
  503: { description: 'Redis is unavailable; retry after Retry-After', problems: ['service-unavailable'] as ProblemType[] },
};

export function cartRoutes(api: ApiRouter, { db, redis }: AppDeps): void {
  const store = createCartStore(redis);

  /** The customer id a caller may act as; anonymous and staff callers have none. */
  const callerCustomer = (principal: Principal | undefined): string | undefined =>
    principal?.role === 'customer' ? principal.subject : undefined;
  const readForWrite = async (id: string, customerId: string | undefined): Promise<StoredCart> =>
    (await store.readForWrite(id, customerId)) ?? notFound(id);

  api.route(
    {
      method: 'post',
      path: '/carts',
      operationId: 'createCart',
      summary: 'Create a cart (or get the signed-in customer’s cart)',
      description: `Without a token: a new anonymous cart (201); its id is the only key to it. With a customer token: the customer's one active cart, created (201) or existing (200). ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      query: destinationQuery,
      responses: {
        201: { description: 'Created; Location names the cart', schema: cartView },
        200: { description: "The customer's existing cart", schema: cartView },
        400: cartProblems[400],
        401: cartProblems[401],
        403: { description: 'A staff token: staff have no carts', problems: ['forbidden'] },
        503: cartProblems[503],
      },
    },
    async ({ query, principal, res }) => {
      if (principal && principal.role !== 'customer') {
        throw new Problem('forbidden', 'Carts belong to customers and anonymous shoppers; a staff token has none.');
      }
      const { stored, created } = principal ? await store.ensureCustomerCart(principal.subject) : { stored: await store.createAnonymous(), created: true };
      res
        .status(created ? 201 : 200)
        .location(`/carts/${stored.cart.id}`)
        .json(view(stored, query));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/carts/:cartId',
      operationId: 'getCart',
      summary: 'A cart with line totals, subtotal, estimated tax and shipping',
      description: `Totals are integer minor units. Tax is estimated per line (half-even) at the destination's standard rate; shipping from a flat rate card by speed, zone and weight. Reading does not extend the cart's life. ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId }),
      query: destinationQuery,
      responses: { 200: { description: 'The cart', schema: cartView }, ...cartProblems },
    },
    async ({ params, query, principal, res }) => {
      const stored = (await store.read(params.cartId, callerCustomer(principal))) ?? notFound(params.cartId);
      res.json(view(stored, query));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/carts/:cartId/lines',
      operationId: 'addCartLine',
      summary: 'Add units of a SKU',
      description: `Adds to the line when the SKU is already in the cart (the line keeps the price it was first added at); a new line takes the catalog's current price. The line may hold at most the units available now (on hand minus reserved over active warehouses; else 409 insufficient-stock) and ${MAX_LINE_QUANTITY}; a cart at most ${MAX_CART_LINES} lines, all in one currency (else 422 cart-limit-exceeded). ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId }),
      query: destinationQuery,
      body: addLineBody,
      responses: {
        200: { description: 'The updated cart', schema: cartView },
        ...cartProblems,
        404: { description: 'No such cart, or the SKU is unknown or not for sale', problems: ['not-found'] },
        409: { description: 'More than is available', problems: ['insufficient-stock'] },
        415: { description: 'Not JSON', problems: ['unsupported-media-type'] },
        422: { description: 'The cart would exceed a bound (quantity per line, lines, one currency)', problems: ['cart-limit-exceeded'] },
      },
    },
    async ({ params, query, body, principal, res }) => {
      const current = await readForWrite(params.cartId, callerCustomer(principal));
      const variant = await findSellableSku(db, body.sku);
      const result = await store.update(current, (cart, now) =>
        addLine(cart, { sku: body.sku, quantity: body.quantity, snapshot: variant.snapshot, available: variant.available }, now),
      );
      res.json(view(written(result, params.cartId), query));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/carts/:cartId/lines/:sku',
      operationId: 'setCartLineQuantity',
      summary: "Set a line's quantity (0 removes it)",
      description: `Any quantity above 0 must be available now (409 insufficient-stock otherwise). The line keeps its price. ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId, sku }),
      query: destinationQuery,
      body: setQuantityBody,
      responses: {
        200: { description: 'The updated cart', schema: cartView },
        ...cartProblems,
        409: { description: 'More than is available', problems: ['insufficient-stock'] },
        415: { description: 'Not JSON', problems: ['unsupported-media-type'] },
      },
    },
    async ({ params, query, body, principal, res }) => {
      const current = await readForWrite(params.cartId, callerCustomer(principal));
      if (!current.cart.lines.some((line) => line.sku === params.sku)) throw refusalProblem({ reason: 'no-line', sku: params.sku });
      const available = body.quantity === 0 ? 0 : ((await availableBySku(db, [params.sku])).get(params.sku) ?? 0);
      const result = await store.update(current, (cart, now) => setLineQuantity(cart, params.sku, body.quantity, available, now));
      res.json(view(written(result, params.cartId), query));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/carts/:cartId/lines/:sku',
      operationId: 'removeCartLine',
      summary: 'Remove a line',
      description: optionalAuth,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId, sku }),
      query: destinationQuery,
      responses: { 200: { description: 'The updated cart', schema: cartView }, ...cartProblems },
    },
    async ({ params, query, principal, res }) => {
      const current = await readForWrite(params.cartId, callerCustomer(principal));
      const result = await store.update(current, (cart, now) => removeLine(cart, params.sku, now));
      res.json(view(written(result, params.cartId), query));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/carts/:cartId/reprice',
      operationId: 'repriceCart',
      summary: "Take the catalog's current prices into the cart",
      description: `How a shopper accepts new prices after checkout answered 409 price-changed: every line still for sale takes the catalog's current price (up or down), quantities stay, and the answer lists what changed. Then check out again with a new Idempotency-Key. Repeating it changes nothing. ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId }),
      query: destinationQuery,
      responses: { 200: { description: 'The cart at current prices, and what changed', schema: repriceView }, ...cartProblems },
    },
    async ({ params, query, principal, res }) => {
      const current = await readForWrite(params.cartId, callerCustomer(principal));
      const prices = new Map((await findCurrentPrices(db, current.cart.lines.map((line) => line.sku))).map((price) => [price.sku, price]));
      let refresh: PriceRefresh | undefined;
      const result = await store.update(current, (cart, now) => {
        refresh = refreshLinePrices(cart, prices, now);
        return { ok: true, cart: refresh.cart };
      });
      res.json({ ...view(written(result, params.cartId), query), repriced: { changes: refresh!.changes, unavailable: refresh!.unavailable } });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/carts/:cartId/lines',
      operationId: 'clearCart',
      summary: 'Remove every line',
      description: `The cart itself stays (same id, same owner). ${optionalAuth}`,
      tag: 'Cart',
      roles: 'optional',
      params: z.object({ cartId }),
      query: destinationQuery,
      responses: { 200: { description: 'The emptied cart', schema: cartView }, ...cartProblems },
    },
    async ({ params, query, principal, res }) => {
      const current = await readForWrite(params.cartId, callerCustomer(principal));
      const result = await store.update(current, (cart, now) => ({ ok: true, cart: clearLines(cart, now) }));
      res.json(view(written(result, params.cartId), query));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/carts/:cartId/merge',
      operationId: 'mergeCart',
      summary: "Merge an anonymous cart into the signed-in customer's cart",
      description:
        "At sign-in. Quantities add, capped by the stock available now and the cart bounds (each line reports what was added and why not all); for a SKU already in the customer's cart, the customer's price snapshot wins. The customer's cart is created when needed; the anonymous cart is deleted. Repeating the merge within a day answers 200 with the customer's cart and `replayed: true`, adding nothing. Another customer's cart is a 404.",
      tag: 'Cart',
      roles: ['customer'],
      params: z.object({ cartId }),
      query: destinationQuery,
      responses: {
        200: { description: "The customer's cart after the merge", schema: mergeView },
        400: cartProblems[400],
        401: { description: 'No valid token', problems: ['unauthorized'] },
        403: { description: 'Not a customer token', problems: ['forbidden'] },
        404: { description: 'No such anonymous cart', problems: ['not-found'] },
        503: cartProblems[503],
      },
    },
    async ({ params, query, principal, res }) => {
      const customerId = principal!.subject;
      const result = await store.merge(params.cartId, customerId, async (target, source, now) =>
        mergeCarts(target, source, await availableBySku(db, source.lines.map((line) => line.sku)), now),
      );
      if (result.status === 'not-found') notFound(params.cartId);
      const lines: MergedLine[] = result.status === 'merged' ? result.lines : [];
      res.json({ ...view(result.stored, query), merge: { sourceCartId: params.cartId, replayed: result.status === 'replayed', lines } });
    },
  );
}

function notFound(id: string): never {
  throw new Problem('not-found', `No cart ${id}.`);
}

function written(result: WriteResult, id: string): StoredCart {
  if (result.status === 'not-found') notFound(id);
  if (result.status === 'refused') throw refusalProblem(result.refusal);
  return result.stored;
}

function refusalProblem(refusal: CartRefusal): Problem {
  switch (refusal.reason) {
    case 'insufficient-stock':
      return new Problem('insufficient-stock', `${refusal.available} of ${refusal.sku} available; the line would hold ${refusal.requested}.`, {
        sku: refusal.sku,
        requested: refusal.requested,
        available: refusal.available,
        inCart: refusal.inCart,
      });
    case 'line-quantity':
      return new Problem('cart-limit-exceeded', `A line holds at most ${refusal.max} units; ${refusal.sku} would hold ${refusal.requested}.`, {
        limit: 'line-quantity',
        sku: refusal.sku,
        requested: refusal.requested,
        max: refusal.max,
      });
    case 'line-count':
      return new Problem('cart-limit-exceeded', `A cart holds at most ${refusal.max} lines.`, { limit: 'line-count', sku: refusal.sku, max: refusal.max });
    case 'currency':
      return new Problem('cart-limit-exceeded', `The cart is in ${refusal.cartCurrency}; ${refusal.sku} is priced in ${refusal.lineCurrency}.`, {
        limit: 'currency',
        sku: refusal.sku,
        cartCurrency: refusal.cartCurrency,
        lineCurrency: refusal.lineCurrency,
      });
    case 'no-line':
      return new Problem('not-found', `The cart has no line for ${refusal.sku}.`, { sku: refusal.sku });
  }
}

function destinationFor(query: DestinationQuery, currency: string | null): Destination {
  const speed = query.speed ?? 'standard';
  if (query.country === undefined) return { ...defaultDestination(currency), speed };
  return { country: query.country, ...(query.region !== undefined && { region: query.region }), speed };
}

function view({ cart, expiresAt }: StoredCart, query: DestinationQuery): z.infer<typeof cartView> {
  const currency = cartCurrency(cart);
  const destination = destinationFor(query, currency);
  const totals = priceCart(cart, destination);
  return {
    id: cart.id,
    owner: cart.customerId === null ? 'anonymous' : 'customer',
    currency,
    lines: cart.lines.map((line) => ({
      sku: line.sku,
      productId: line.productId,
      productName: line.productName,
      attributes: line.attributes,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      lineTotal: lineTotal(line),
      weightGrams: line.weightGrams,
      addedAt: line.addedAt,
    })),
    lineCount: cart.lines.length,
    units: totals?.units ?? 0,
    destination,
    totals: totals && {
      subtotal: totals.subtotal,
      tax: totals.tax,
      shipping: totals.shipping,
      total: totals.total,
    },
    limits: { maxLines: MAX_CART_LINES, maxQuantityPerLine: MAX_LINE_QUANTITY },
    createdAt: cart.createdAt,
    updatedAt: cart.updatedAt,
    expiresAt: expiresAt.toISOString(),
  };
}

// ---------------------------------------------------------------- PostgreSQL reads

/** Sellable units: on hand minus reserved, summed over active warehouses. */
const availableUnits = sql<number>`coalesce(sum(i.on_hand - i.reserved), 0)`;

async function findSellableSku(db: Kysely<Database>, skuCode: string): Promise<{ snapshot: LineSnapshot; available: number }> {
  const row = await db
    .selectFrom('product_variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select((eb) => [
      'v.price_amount',
      'v.currency',
      'v.attributes',
      'v.weight_grams',
      'v.active',
      'p.id as product_id',
      'p.name',
      'p.status',
      eb
        .selectFrom('inventory as i')
        .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
        .whereRef('i.sku', '=', 'v.sku')
        .where('w.active', '=', true)
        .select(availableUnits.as('units'))
        .as('available'),
    ])
    .where('v.sku', '=', skuCode)
    .executeTakeFirst();
  if (!row) throw new Problem('not-found', `No SKU ${skuCode}.`, { sku: skuCode });
  if (!row.active || row.status !== 'active') throw new Problem('not-found', `${skuCode} is not for sale.`, { sku: skuCode });
  return {
    snapshot: {
      productId: row.product_id,
      productName: row.name,
      attributes: row.attributes,
      unitPrice: money(row.price_amount, row.currency),
      weightGrams: row.weight_grams,
    },
    available: row.available ?? 0,
  };
}

async function availableBySku(db: Kysely<Database>, skus: string[]): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('inventory as i')
    .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
    .where('i.sku', 'in', skus)
    .where('w.active', '=', true)
    .groupBy('i.sku')
    .select(['i.sku', availableUnits.as('units')])
    .execute();
  return new Map(rows.map((row) => [row.sku, row.units]));
}
