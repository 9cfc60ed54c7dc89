import type { OrderTotals } from './checkout';
import { add, allocate, money, sum, type Money } from './money';

/**
 * What each parcel of an order is worth, and what its handover captures. A parcel's share is its
 * items, their tax, and a share of shipping (and of shipping tax) in proportion to its items,
 * split with the largest-remainder method: the shares are whole minor units and add up to the
 * order's total exactly, so capturing every share captures the order, never a unit more or less.
 */

/** The order as checkout priced it (OrderTotals fits). */
export type CapturedOrder = Pick<OrderTotals, 'currency' | 'lines' | 'shipping' | 'shippingTax' | 'total'>;

export interface ParcelContents {
  parcelId: string;
  lines: { sku: string; quantity: number }[];
}

export interface ParcelShare {
  parcelId: string;
  items: Money;
  /** The items' tax and the parcel's share of shipping tax. */
  tax: Money;
  shipping: Money;
  total: Money;
}

/** Throws RangeError unless the parcels carry exactly the order's quantities, line by line. */
export function parcelShares(order: CapturedOrder, parcels: readonly ParcelContents[]): ParcelShare[] {
  if (parcels.length === 0) throw new RangeError('an order ships in at least one parcel');
  const { currency } = order;
  const zero = money(0, currency);
  const items = parcels.map(() => zero);
  const tax = parcels.map(() => zero);
  const skus = new Set<string>();
  for (const line of order.lines) {
    if (skus.has(line.sku)) throw new RangeError(`${line.sku} is on two lines of the order`);
    skus.add(line.sku);
    const carried = parcels.map((parcel) => parcel.lines.filter((l) => l.sku === line.sku).reduce((n, l) => n + quantityOf(l), 0));
    const shipped = carried.reduce((n, q) => n + q, 0);
    if (shipped !== line.quantity) throw new RangeError(`the parcels carry ${shipped} of ${line.sku}, the order has ${line.quantity}`);
    // lineTotal is unitPrice x quantity, so its split is exact; the tax split is what needs the remainder.
    allocate(line.lineTotal, carried).forEach((part, i) => (items[i] = add(items[i]!, part)));
    allocate(line.lineTax, carried).forEach((part, i) => (tax[i] = add(tax[i]!, part)));
  }
  for (const parcel of parcels) {
    for (const line of parcel.lines) if (!skus.has(line.sku)) throw new RangeError(`parcel ${parcel.parcelId} carries ${line.sku}, which the order does not have`);
  }
  // Parcels of free items still travel: with nothing to weigh by, shipping is split evenly.
  const weights = items.some((m) => m.amount > 0) ? items.map((m) => m.amount) : items.map(() => 1);
  const shipping = allocate(order.shipping, weights);
  const shippingTax = allocate(order.shippingTax, weights);
  const shares = parcels.map((parcel, i) => {
    const parcelTax = add(tax[i]!, shippingTax[i]!);
    return { parcelId: parcel.parcelId, items: items[i]!, tax: parcelTax, shipping: shipping[i]!, total: add(add(items[i]!, parcelTax), shipping[i]!) };
  });
  const total = sum(
    shares.map((s) => s.total),
    currency,
  );
  if (total.amount !== order.total.amount) throw new RangeError(`the parcels add up to ${total.amount}, the order's total is ${order.total.amount}`);
  return shares;
}

export type CaptureAtHandover =
  | { action: 'capture'; amount: Money; finalCapture: boolean }
  /** Captured already (the whole order at the first handover, or the rest before the hold lapsed), or a parcel worth nothing. */
  | { action: 'nothing' };

/**
 * What a parcel's handover to the carrier captures. With multicapture, its own share, and the
 * last parcel to go is the final capture (the provider then releases whatever hold is left);
 * every earlier one keeps the hold with final_capture false. Without it, a card allows one
 * capture, so the first handover captures the whole order and later ones capture nothing.
 * Once a final capture was taken (or is under way), the provider has released what was left of
 * the hold: every later handover captures nothing (the rest was taken before the hold lapsed).
 */
export function captureAtHandover(
  shares: readonly ParcelShare[],
  {
    parcelId,
    handedOverBefore,
    multicapture,
    finalCaptureTaken = false,
  }: { parcelId: string; handedOverBefore: readonly string[]; multicapture: boolean; finalCaptureTaken?: boolean },
): CaptureAtHandover {
  const share = shares.find((s) => s.parcelId === parcelId);
  if (!share) throw new RangeError(`no parcel ${parcelId}`);
  if (handedOverBefore.includes(parcelId)) throw new RangeError(`parcel ${parcelId} was handed over already`);
  if (finalCaptureTaken) return { action: 'nothing' };
  if (!multicapture) {
    if (handedOverBefore.length > 0) return { action: 'nothing' };
    const total = sum(
      shares.map((s) => s.total),
      share.total.currency,
    );
    return total.amount > 0 ? { action: 'capture', amount: total, finalCapture: true } : { action: 'nothing' };
  }
  const finalCapture = shares.every((s) => s.parcelId === parcelId || handedOverBefore.includes(s.parcelId));
  return share.total.amount > 0 ? { action: 'capture', amount: share.total, finalCapture } : { action: 'nothing' };
}

function quantityOf(line: { sku: string; quantity: number }): number {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`quantity of ${line.sku} must be a positive integer, got ${line.quantity}`);
  return line.quantity;
}
