import { add, money, multiply, sum, type Money } from './money';
import { unavailableReason, type CurrentPrice } from './pricing';
import { estimateShipping, shipmentSize, type ShippingEstimate, type ShippingSpeed } from './shipping-estimate';
import { estimateTax, taxRateFor, type TaxEstimate } from './tax';

/**
 * The shopping cart: lines with the price seen when each was added, the bounds a cart keeps,
 * its totals for a destination, and the one definition of how a cart is stored in Redis
 * (read by the cart API now and by checkout later). Pure: every change returns a new cart.
 */

export const MAX_CART_LINES = 50;
export const MAX_LINE_QUANTITY = 99;
/** A cart expires after this long without a write. */
export const CART_TTL_SECONDS = 30 * 24 * 60 * 60;
/** How long a merged anonymous cart's id still answers a repeated merge with the customer's cart. */
export const MERGED_CART_TTL_SECONDS = 24 * 60 * 60;

/** 128 random bits, base64url without padding. */
export const CART_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Same rule as the product_variants_sku_format check constraint. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What a line remembers from the catalog at the moment it was added. */
export interface LineSnapshot {
  productId: string;
  productName: string;
  attributes: Record<string, string>;
  unitPrice: Money;
  /** Null when the catalog has no weight for the SKU. */
  weightGrams: number | null;
}

export interface CartLine extends LineSnapshot {
  sku: string;
  /** 1..MAX_LINE_QUANTITY */
  quantity: number;
  /** ISO-8601; lines are listed in the order they were first added. */
  addedAt: string;
}

export interface Cart {
  id: string;
  /** The customer (token `sub`) the cart belongs to; null for an anonymous cart. */
  customerId: string | null;
  createdAt: string;
  updatedAt: string;
  lines: CartLine[];
}

// ---------------------------------------------------------------- stored shape (Redis)

/**
 * Schema version 1. One Redis hash per cart at `cart:v1:<cartId>`:
 *
 *   v            "1"
 *   rev          revision, incremented by every write (the compare-and-set guard)
 *   created_at   ISO-8601
 *   updated_at   ISO-8601
 *   customer     the owning customer id; absent for an anonymous cart
 *   line:<sku>   JSON StoredLine: { sku, quantity, unitPrice: { amount, currency }, productId,
 *                productName, attributes, weightGrams, addedAt }; amounts are integer minor units
 *
 * The cart's currency is the currency every line shares; an empty cart has none.
 * `cart-owner:v1:<customerId>` holds the id of the customer's one active cart. Both keys expire
 * after CART_TTL_SECONDS without a write. `cart-merged:v1:<cartId>` holds the customer id an
 * anonymous cart was merged into, for MERGED_CART_TTL_SECONDS.
 */
export const CART_SCHEMA_VERSION = '1';

export const cartKeys = {
  cart: (cartId: string): string => `cart:v1:${cartId}`,
  owner: (customerId: string): string => `cart-owner:v1:${customerId}`,
  merged: (cartId: string): string => `cart-merged:v1:${cartId}`,
};

export const cartFields = {
  version: 'v',
  revision: 'rev',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  customer: 'customer',
  linePrefix: 'line:',
} as const;

export type StoredLine = CartLine;

/** Every field of the hash except `rev`, which only the store's compare-and-set writes. */
export function encodeCart(cart: Cart): Record<string, string> {
  const fields: Record<string, string> = {
    [cartFields.version]: CART_SCHEMA_VERSION,
    [cartFields.createdAt]: cart.createdAt,
    [cartFields.updatedAt]: cart.updatedAt,
  };
  if (cart.customerId !== null) fields[cartFields.customer] = cart.customerId;
  for (const line of cart.lines) {
    const stored: StoredLine = {
      sku: line.sku,
      quantity: line.quantity,
      unitPrice: { amount: line.unitPrice.amount, currency: line.unitPrice.currency },
      productId: line.productId,
      productName: line.productName,
      attributes: line.attributes,
      weightGrams: line.weightGrams,
      addedAt: line.addedAt,
    };
    fields[`${cartFields.linePrefix}${line.sku}`] = JSON.stringify(stored);
  }
  return fields;
}

export class CorruptCart extends Error {
  constructor(cartId: string, why: string) {
    super(`cart ${cartId} is not a valid v${CART_SCHEMA_VERSION} cart: ${why}`);
    this.name = 'CorruptCart';
  }
}

/** The hash as HGETALL returns it; unknown fields are ignored so a later version can add some. */
export function decodeCart(cartId: string, fields: Record<string, string>): Cart {
  const fail = (why: string): never => {
    throw new CorruptCart(cartId, why);
  };
  if (fields[cartFields.version] !== CART_SCHEMA_VERSION) fail(`version is ${fields[cartFields.version]}`);
  const createdAt = fields[cartFields.createdAt] ?? fail('no created_at');
  const updatedAt = fields[cartFields.updatedAt] ?? fail('no updated_at');
  const customerId = fields[cartFields.customer] ?? null;
  const lines: CartLine[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (!field.startsWith(cartFields.linePrefix)) continue;
    const sku = field.slice(cartFields.linePrefix.length);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      fail(`${field} is not JSON`);
    }
    lines.push(decodeLine(sku, parsed) ?? fail(`${field} is not a line`));
  }
  const currencies = new Set(lines.map((line) => line.unitPrice.currency));
  if (currencies.size > 1) fail(`lines in ${[...currencies].join(', ')}`);
  return { id: cartId, customerId, createdAt, updatedAt, lines: sortLines(lines) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function decodeLine(sku: string, value: unknown): CartLine | undefined {
  if (!isRecord(value) || value.sku !== sku) return undefined;
  const { quantity, unitPrice, productId, productName, attributes, weightGrams, addedAt } = value;
  if (!isCount(quantity) || quantity < 1) return undefined;
  if (!isRecord(unitPrice) || !isCount(unitPrice.amount) || typeof unitPrice.currency !== 'string') return undefined;
  if (typeof productId !== 'string' || typeof productName !== 'string' || typeof addedAt !== 'string') return undefined;
  if (!isRecord(attributes) || !Object.values(attributes).every((v) => typeof v === 'string')) return undefined;
  if (weightGrams !== null && !isCount(weightGrams)) return undefined;
  return {
    sku,
    quantity,
    unitPrice: money(unitPrice.amount, unitPrice.currency),
    productId,
    productName,
    attributes: attributes as Record<string, string>,
    weightGrams,
    addedAt,
  };
}

const sortLines = (lines: CartLine[]): CartLine[] =>
  [...lines].sort((a, b) => (a.addedAt === b.addedAt ? (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0) : a.addedAt < b.addedAt ? -1 : 1));

// ---------------------------------------------------------------- rules

export function newCart(id: string, customerId: string | null, now: string): Cart {
  return { id, customerId, createdAt: now, updatedAt: now, lines: [] };
}

/** An anonymous cart is reachable by its id alone; a customer's cart only by that customer. */
export function canAccess(cart: Pick<Cart, 'customerId'>, customerId: string | undefined): boolean {
  return cart.customerId === null || cart.customerId === customerId;
}

export function cartCurrency(cart: Pick<Cart, 'lines'>): string | null {
  return cart.lines[0]?.unitPrice.currency ?? null;
}

export type CartRefusal =
  | { reason: 'insufficient-stock'; sku: string; requested: number; available: number; inCart: number }
  | { reason: 'line-quantity'; sku: string; requested: number; max: number }
  | { reason: 'line-count'; sku: string; max: number }
  | { reason: 'currency'; sku: string; cartCurrency: string; lineCurrency: string }
  | { reason: 'no-line'; sku: string };

export type CartChange = { ok: true; cart: Cart } | { ok: false; refusal: CartRefusal };

function assertQuantity(quantity: number, min: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < min) throw new RangeError(`quantity must be an integer >= ${min}, got ${quantity}`);
}

export interface LineToAdd {
  sku: string;
  quantity: number;
  /** The catalog's current price and description, kept only when the SKU is new to the cart. */
  snapshot: LineSnapshot;
  /** Sellable units right now (on hand minus reserved, over all warehouses). */
  available: number;
}

/**
 * Adds units; an existing line keeps the price it was first added at. The resulting line
 * quantity must stay within MAX_LINE_QUANTITY and the available stock, a new SKU within
 * MAX_CART_LINES and the cart's currency.
 */
export function addLine(cart: Cart, { sku, quantity, snapshot, available }: LineToAdd, now: string): CartChange {
  assertQuantity(quantity, 1);
  const existing = cart.lines.find((line) => line.sku === sku);
  if (!existing) {
    const currency = cartCurrency(cart);
    if (currency !== null && currency !== snapshot.unitPrice.currency) {
      return { ok: false, refusal: { reason: 'currency', sku, cartCurrency: currency, lineCurrency: snapshot.unitPrice.currency } };
    }
    if (cart.lines.length >= MAX_CART_LINES) return { ok: false, refusal: { reason: 'line-count', sku, max: MAX_CART_LINES } };
  }
  const inCart = existing?.quantity ?? 0;
  const requested = inCart + quantity;
  if (requested > MAX_LINE_QUANTITY) return { ok: false, refusal: { reason: 'line-quantity', sku, requested, max: MAX_LINE_QUANTITY } };
  if (requested > available) return { ok: false, refusal: { reason: 'insufficient-stock', sku, requested, available: Math.max(0, available), inCart } };
  const lines = existing
    ? cart.lines.map((line) => (line === existing ? { ...line, quantity: requested } : line))
    : [...cart.lines, { ...snapshot, sku, quantity, addedAt: now }];
  return { ok: true, cart: { ...cart, updatedAt: now, lines } };
}

/** Sets a line's quantity; 0 removes it. Any quantity above 0 must be available right now. */
export function setLineQuantity(cart: Cart, sku: string, quantity: number, available: number, now: string): CartChange {
  assertQuantity(quantity, 0);
  const existing = cart.lines.find((line) => line.sku === sku);
  if (!existing) return { ok: false, refusal: { reason: 'no-line', sku } };
  if (quantity === 0) return removeLine(cart, sku, now);
  if (quantity > MAX_LINE_QUANTITY) return { ok: false, refusal: { reason: 'line-quantity', sku, requested: quantity, max: MAX_LINE_QUANTITY } };
  if (quantity > available) {
    return { ok: false, refusal: { reason: 'insufficient-stock', sku, requested: quantity, available: Math.max(0, available), inCart: existing.quantity } };
  }
  return { ok: true, cart: { ...cart, updatedAt: now, lines: cart.lines.map((line) => (line === existing ? { ...line, quantity } : line)) } };
}

export function removeLine(cart: Cart, sku: string, now: string): CartChange {
  if (!cart.lines.some((line) => line.sku === sku)) return { ok: false, refusal: { reason: 'no-line', sku } };
  return { ok: true, cart: { ...cart, updatedAt: now, lines: cart.lines.filter((line) => line.sku !== sku) } };
}

export interface PriceRefresh {
  cart: Cart;
  /** Lines whose price moved to the catalog's current one, up or down. */
  changes: { sku: string; was: Money; now: Money }[];
  /** Lines that can no longer be bought (unknown, inactive, or now priced in another currency): left as they are, for the shopper to remove. */
  unavailable: string[];
}

/**
 * Takes the catalog's current prices into the cart: how a shopper accepts a price change that
 * checkout reported. Quantities and the order of lines stay; only prices move.
 */
export function refreshLinePrices(cart: Cart, current: ReadonlyMap<string, Pick<CurrentPrice, 'unitPrice' | 'active'>>, now: string): PriceRefresh {
  const changes: PriceRefresh['changes'] = [];
  const unavailable: string[] = [];
  const lines = cart.lines.map((line) => {
    const price = current.get(line.sku);
    if (unavailableReason(line, price) || !price) {
      unavailable.push(line.sku);
      return line;
    }
    if (price.unitPrice.amount === line.unitPrice.amount) return line;
    changes.push({ sku: line.sku, was: line.unitPrice, now: price.unitPrice });
    return { ...line, unitPrice: price.unitPrice };
  });
  return { cart: changes.length === 0 ? cart : { ...cart, updatedAt: now, lines }, changes, unavailable };
}

export function clearLines(cart: Cart, now: string): Cart {
  return { ...cart, updatedAt: now, lines: [] };
}

export interface MergedLine {
  sku: string;
  /** Units in the anonymous cart. */
  requested: number;
  /** Units that went into the customer's cart. */
  added: number;
  /** The line's quantity in the customer's cart afterwards (0 when no line was made). */
  quantity: number;
  /** Why fewer than requested were added. */
  limitedBy: 'stock' | 'line-quantity' | 'line-count' | 'currency' | null;
}

export interface MergeOutcome {
  cart: Cart;
  lines: MergedLine[];
}

/**
 * Sign-in merge of an anonymous cart into the customer's: quantities add, capped by the stock
 * available now and the line bounds; for a SKU already in the customer's cart its price
 * snapshot wins, and its quantity is never lowered by the merge. A SKU new to the customer's cart
 * keeps the anonymous cart's snapshot. Lines that do not fit are reported, not dropped silently.
 */
export function mergeCarts(target: Cart, source: Cart, available: ReadonlyMap<string, number>, now: string): MergeOutcome {
  let lines = [...target.lines];
  const report: MergedLine[] = [];
  for (const line of source.lines) {
    const stock = Math.max(0, available.get(line.sku) ?? 0);
    const cap = Math.min(MAX_LINE_QUANTITY, stock);
    const capReason = stock <= MAX_LINE_QUANTITY ? 'stock' : 'line-quantity';
    const existing = lines.find((l) => l.sku === line.sku);
    if (existing) {
      const quantity = Math.max(existing.quantity, Math.min(existing.quantity + line.quantity, cap));
      const added = quantity - existing.quantity;
      lines = lines.map((l) => (l === existing ? { ...l, quantity } : l));
      report.push({ sku: line.sku, requested: line.quantity, added, quantity, limitedBy: added < line.quantity ? capReason : null });
      continue;
    }
    const currency = cartCurrency({ lines });
    const refused =
      currency !== null && currency !== line.unitPrice.currency ? 'currency' : lines.length >= MAX_CART_LINES ? 'line-count' : null;
    const quantity = refused ? 0 : Math.min(line.quantity, cap);
    if (quantity > 0) lines.push({ ...line, quantity });
    report.push({ sku: line.sku, requested: line.quantity, added: quantity, quantity, limitedBy: refused ?? (quantity < line.quantity ? capReason : null) });
  }
  return { cart: { ...target, updatedAt: now, lines: sortLines(lines) }, lines: report };
}

// ---------------------------------------------------------------- totals

export interface Destination {
  /** ISO 3166-1 alpha-2 */
  country: string;
  /** ISO 3166-2 subdivision without the country prefix, e.g. `CA` for California. */
  region?: string;
  speed: ShippingSpeed;
}

/** Where a cart's estimate ships to when the storefront does not say: the currency's home market, standard speed. */
export const defaultCountryByCurrency: Readonly<Record<string, string>> = { USD: 'US', EUR: 'DE', GBP: 'GB', CAD: 'CA' };

export function defaultDestination(currency: string | null): Destination {
  return { country: (currency && defaultCountryByCurrency[currency]) || 'US', speed: 'standard' };
}

export const lineTotal = (line: Pick<CartLine, 'unitPrice' | 'quantity'>): Money => multiply(line.unitPrice, line.quantity);


export interface CartTotals {
  currency: string;
  units: number;
  weightGrams: number;
  subtotal: Money;
  tax: TaxEstimate;
  /** Null when the shipping rate card has no prices in the cart's currency. */
  shipping: ShippingEstimate | null;
  /** subtotal + tax + shipping (when estimated). */
  total: Money;
}

/** Null for an empty cart, which has no currency to count in. */
export function priceCart(cart: Cart, destination: Destination): CartTotals | null {
  const currency = cartCurrency(cart);
  if (currency === null) return null;
  const lineTotals = cart.lines.map(lineTotal);
  const subtotal = sum(lineTotals, currency);
  const size = shipmentSize(cart.lines);
  const shipping = estimateShipping(currency, destination.country, destination.speed, size) ?? null;
  const tax = estimateTax(lineTotals, shipping?.amount ?? null, taxRateFor(destination.country, destination.region), currency);
  const total = add(add(subtotal, tax.amount), shipping?.amount ?? money(0, currency));
  return { currency, units: size.units, weightGrams: size.weightGrams, subtotal, tax, shipping, total };
}
