import type { CapturedOrder } from './capture-plan';
import { add, allocate, money, subtract, sum, type Money } from './money';

/**
 * What a refund of an order's lines is worth, in whole minor units.
 *
 * Each line's price and tax are split over its units by the largest-remainder method (`allocate`),
 * and units are refunded in order: the first unit refunded takes the first share. So however a
 * line is refunded (one unit at a time, or all at once, over any number of refunds), its refunds
 * add up to exactly its price plus its tax.
 *
 * Shipping policy: shipping (and its tax) is refunded when the reason is `damaged` (the refunded
 * units' share of it, split over every unit of the order by its price) and in full, whatever the
 * reason, with the refund that leaves no unit of the order unrefunded. So refunding every line of
 * an order, in one refund or many, refunds exactly the order's total.
 */

export const refundReasons = ['damaged', 'not-received', 'wrong-item', 'customer-request', 'goodwill', 'other'] as const;
export type RefundReason = (typeof refundReasons)[number];
export const isRefundReason = (value: string): value is RefundReason => (refundReasons as readonly string[]).includes(value);

export interface RefundLine {
  sku: string;
  quantity: number;
}

/** What earlier refunds (done or in flight) already took from the order's lines and shipping. */
export interface RefundedSoFar {
  lines: RefundLine[];
  shipping: Money;
}

export interface RefundComputation {
  items: Money;
  tax: Money;
  shipping: Money;
  total: Money;
}

export const nothingRefunded = (currency: string): RefundedSoFar => ({ lines: [], shipping: money(0, currency) });

/** Throws RangeError for a line the order lacks, a quantity that is not a positive integer, or more units than are left. */
export function refundForLines(order: CapturedOrder, requested: readonly RefundLine[], reason: RefundReason, before: RefundedSoFar): RefundComputation {
  const { currency } = order;
  if (requested.length === 0) throw new RangeError('a refund by lines names at least one line');
  const units = orderUnits(order);
  const shippingShares = unitShippingShares(order, units);
  let items = money(0, currency);
  let tax = money(0, currency);
  let shipping = money(0, currency);
  const seen = new Set<string>();
  for (const line of requested) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`quantity of ${line.sku} must be a positive integer, got ${line.quantity}`);
    if (seen.has(line.sku)) throw new RangeError(`${line.sku} is named twice`);
    seen.add(line.sku);
    const orderLine = order.lines.find((l) => l.sku === line.sku);
    if (!orderLine) throw new RangeError(`the order has no ${line.sku}`);
    const done = quantityIn(before.lines, line.sku);
    if (done + line.quantity > orderLine.quantity) {
      throw new RangeError(`${line.sku}: ${line.quantity} asked, ${orderLine.quantity - done} of ${orderLine.quantity} left to refund`);
    }
    const lineUnits = units.filter((u) => u.sku === line.sku).slice(done, done + line.quantity);
    items = add(items, sum(lineUnits.map((u) => u.price), currency));
    tax = add(tax, sum(lineUnits.map((u) => u.tax), currency));
    if (reason === 'damaged') shipping = add(shipping, sum(lineUnits.map((u) => shippingShares[u.index]!), currency));
  }
  const everythingRefunded = order.lines.every((l) => quantityIn(before.lines, l.sku) + quantityIn(requested, l.sku) === l.quantity);
  const shippingPaid = add(order.shipping, order.shippingTax);
  if (everythingRefunded) shipping = subtract(shippingPaid, before.shipping);
  if (add(before.shipping, shipping).amount > shippingPaid.amount) shipping = subtract(shippingPaid, before.shipping);
  return { items, tax, shipping, total: add(add(items, tax), shipping) };
}

/**
 * The requested units that earlier refunds (done or in flight) have not already taken: what a
 * returned parcel may still be refunded for when support refunded some of its units before.
 */
export function unitsLeftToRefund(order: Pick<CapturedOrder, 'lines'>, requested: readonly RefundLine[], before: RefundedSoFar): RefundLine[] {
  return requested
    .map((line) => {
      const ordered = order.lines.find((l) => l.sku === line.sku)?.quantity ?? 0;
      return { sku: line.sku, quantity: Math.min(line.quantity, Math.max(0, ordered - quantityIn(before.lines, line.sku))) };
    })
    .filter((line) => line.quantity > 0);
}

/** What a refund adds to what was refunded so far. */
export function afterRefund(before: RefundedSoFar, lines: readonly RefundLine[], shipping: Money): RefundedSoFar {
  const merged = [...before.lines.map((l) => ({ ...l }))];
  for (const line of lines) {
    const existing = merged.find((l) => l.sku === line.sku);
    if (existing) existing.quantity += line.quantity;
    else merged.push({ ...line });
  }
  return { lines: merged, shipping: add(before.shipping, shipping) };
}

/** What earlier refunds leave: the inverse of afterRefund, for a refund that failed or expired. */
export function withoutRefund(before: RefundedSoFar, lines: readonly RefundLine[], shipping: Money): RefundedSoFar {
  const left = before.lines.map((l) => ({ ...l, quantity: l.quantity - quantityIn(lines, l.sku) })).filter((l) => l.quantity > 0);
  return { lines: left, shipping: subtract(before.shipping, shipping) };
}

/** Captured, less what was refunded and what refunds in flight will take: never negative. */
export function refundable(captured: Money, refunded: Money, inFlight: Money): Money {
  const left = subtract(subtract(captured, refunded), inFlight);
  return left.amount > 0 ? left : money(0, captured.currency);
}

interface Unit {
  index: number;
  sku: string;
  price: Money;
  /** The unit's part of its line's tax, largest remainder, earlier units first. */
  tax: Money;
}

function orderUnits(order: CapturedOrder): Unit[] {
  const units: Unit[] = [];
  for (const line of order.lines) {
    const ones = Array.from({ length: line.quantity }, () => 1);
    const prices = allocate(line.lineTotal, ones);
    const taxes = allocate(line.lineTax, ones);
    prices.forEach((price, i) => units.push({ index: units.length, sku: line.sku, price, tax: taxes[i]! }));
  }
  return units;
}

/** Shipping and its tax over every unit by the unit's price (evenly when everything was free). */
function unitShippingShares(order: CapturedOrder, units: readonly Unit[]): Money[] {
  const shippingPaid = add(order.shipping, order.shippingTax);
  if (units.length === 0) return [];
  const weights = units.some((u) => u.price.amount > 0) ? units.map((u) => u.price.amount) : units.map(() => 1);
  return allocate(shippingPaid, weights);
}

function quantityIn(lines: readonly RefundLine[], sku: string): number {
  return lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.quantity, 0);
}
