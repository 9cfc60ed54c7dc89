import type { Address, CheckoutLine, OrderTotals, OrderTotalsLine } from './checkout';
import { add, applyRate, money, multiply, sum, type Money } from './money';
import { estimateShipping, rateCurrencies, shipmentSize, type ShippingSpeed } from './shipping-estimate';
import { taxRateFor } from './tax';

/**
 * The amounts an order charges. Same rule as the cart estimate (domain/tax.ts): each line and
 * taxable shipping are taxed and rounded half-even on their own, then summed, so the stored
 * per-line taxes always add up to the order's tax and a line refund returns exactly its tax.
 *
 * Throws RangeError on inputs checkout never produces after re-pricing: no lines, a bad
 * quantity, lines in several currencies, a quote in another currency, or a currency the rate
 * card has no prices in (rateCurrencies) without a carrier quote.
 */
export function computeTotals(
  lines: readonly CheckoutLine[],
  destination: Pick<Address, 'country' | 'region'>,
  speed: ShippingSpeed,
  shippingQuote?: Money,
): OrderTotals {
  const first = lines[0];
  if (!first) throw new RangeError('an order needs at least one line');
  const currency = first.unitPrice.currency;
  for (const line of lines) {
    if (line.unitPrice.currency !== currency) {
      throw new RangeError(`lines in ${currency} and ${line.unitPrice.currency}: one order, one currency`);
    }
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw new RangeError(`quantity of ${line.sku} must be a positive integer, got ${line.quantity}`);
    }
  }
  if (shippingQuote && shippingQuote.currency !== currency) throw new RangeError(`a ${shippingQuote.currency} shipping quote for a ${currency} order`);
  if (shippingQuote && shippingQuote.amount < 0) throw new RangeError('a shipping quote cannot be negative');

  const shipping = shippingQuote ?? estimateShipping(currency, destination.country, speed, shipmentSize(lines))?.amount;
  if (!shipping) throw new RangeError(`no shipping quote, and the rate card has no ${currency} prices (only ${rateCurrencies.join(', ')})`);

  const taxRate = taxRateFor(destination.country, destination.region);
  const totalsLines: OrderTotalsLine[] = lines.map((line) => {
    const lineTotal = multiply(line.unitPrice, line.quantity);
    return { sku: line.sku, quantity: line.quantity, unitPrice: line.unitPrice, lineTotal, lineTax: applyRate(lineTotal, taxRate.basisPoints) };
  });
  const subtotal = sum(
    totalsLines.map((line) => line.lineTotal),
    currency,
  );
  const shippingTax = taxRate.shippingTaxable ? applyRate(shipping, taxRate.basisPoints) : money(0, currency);
  const tax = add(
    sum(
      totalsLines.map((line) => line.lineTax),
      currency,
    ),
    shippingTax,
  );
  return {
    currency,
    lines: totalsLines,
    subtotal,
    shipping,
    shippingTax,
    tax,
    total: add(add(subtotal, tax), shipping),
    taxRate,
    shippingSource: shippingQuote ? 'quote' : 'estimate',
  };
}

