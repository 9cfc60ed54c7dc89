import type { CheckoutLine, PriceChange, StockShortage } from './checkout';
import type { Money } from './money';

/**
 * Checkout re-prices the cart against the catalog. The client never sets a price: the cart's
 * snapshot is what the shopper saw, the catalog's current price is what an order may charge,
 * and any difference (up or down) goes back to the shopper to confirm rather than being
 * charged silently.
 */

export interface CurrentPrice {
  sku: string;
  unitPrice: Money;
  /** The variant and its product are both sellable. */
  active: boolean;
}

/**
 * Why a line can no longer be bought at all. Checkout rejects these as OutOfStock with
 * available 0: to the shopper it is the same fix (remove the line), and it keeps the closed
 * union of business failures small. `reason` says which for support and logs.
 */
export type UnavailableReason = 'unknown' | 'inactive' | 'currency-changed';

export interface UnavailableLine extends StockShortage {
  available: 0;
  reason: UnavailableReason;
}

export type Repricing =
  /** Every line is sellable at the price the shopper saw. */
  | { kind: 'unchanged'; lines: CheckoutLine[] }
  /** Every line is sellable, some at another price: `lines` carry the current prices. */
  | { kind: 'price-changed'; lines: CheckoutLine[]; changes: PriceChange[] }
  /**
   * Some line cannot be bought. This wins over price changes: the shopper must edit the cart
   * anyway, and the next attempt reports whatever prices then differ.
   */
  | { kind: 'unavailable'; unavailable: UnavailableLine[] };

/** Why a line can no longer be bought at the catalog's current price for its SKU, if it cannot. */
export function unavailableReason(line: Pick<CheckoutLine, 'unitPrice'>, price: Pick<CurrentPrice, 'unitPrice' | 'active'> | undefined): UnavailableReason | undefined {
  if (!price) return 'unknown';
  if (!price.active) return 'inactive';
  if (price.unitPrice.currency !== line.unitPrice.currency) return 'currency-changed';
  return undefined;
}

/**
 * Compares the snapshot with the catalog's current prices. Lines keep their order. A SKU
 * listed twice in either input is a caller bug and throws.
 */
export function repriceLines(snapshot: readonly CheckoutLine[], current: readonly CurrentPrice[]): Repricing {
  const prices = new Map<string, CurrentPrice>();
  for (const price of current) {
    if (prices.has(price.sku)) throw new RangeError(`current prices list ${price.sku} twice`);
    prices.set(price.sku, price);
  }
  const seen = new Set<string>();
  const unavailable: UnavailableLine[] = [];
  const changes: PriceChange[] = [];
  const lines: CheckoutLine[] = [];
  for (const line of snapshot) {
    if (seen.has(line.sku)) throw new RangeError(`the snapshot lists ${line.sku} twice`);
    seen.add(line.sku);
    const price = prices.get(line.sku);
    const reason = unavailableReason(line, price);
    if (reason || !price) {
      unavailable.push({ sku: line.sku, requested: line.quantity, available: 0, reason: reason ?? 'unknown' });
      continue;
    }
    if (price.unitPrice.amount !== line.unitPrice.amount) changes.push({ sku: line.sku, was: line.unitPrice, now: price.unitPrice });
    lines.push({ ...line, unitPrice: price.unitPrice });
  }
  if (unavailable.length > 0) return { kind: 'unavailable', unavailable };
  if (changes.length > 0) return { kind: 'price-changed', lines, changes };
  return { kind: 'unchanged', lines };
}
