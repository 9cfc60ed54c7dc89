import { applyRate, sum, type Money } from './money';

/**
 * Estimated sales tax / VAT for a destination, from a rate table in basis points (1 bp = 0.01%).
 * Catalog prices are net, so the tax is added on top.
 *
 * Rounding rule: per line, half-to-even. Each line total (and shipping, where the jurisdiction
 * taxes it) is taxed and rounded on its own with applyRate, then the rounded amounts are summed.
 * Per line because orders store per-line amounts: a line's refund then returns exactly that
 * line's tax and the line taxes always add up to the order's tax without reallocation.
 *
 * The table holds standard rates only (state-level for the US, no local or reduced rates);
 * checkout computes the tax it charges.
 */
export interface TaxRate {
  /** ISO 3166-1 country, or country-subdivision (`US-CA`) when a regional rate applied. */
  jurisdiction: string;
  basisPoints: number;
  /** Whether shipping is taxed with the goods. */
  shippingTaxable: boolean;
}

interface CountryRates {
  basisPoints: number;
  shippingTaxable: boolean;
  /** ISO 3166-2 subdivision codes without the country prefix, e.g. `CA` for California. */
  regions?: Record<string, number>;
}

/**
 * US: no federal sales tax; state base rates. Whether a separately stated delivery charge is
 * taxed differs by state, so the estimate taxes goods only and leaves shipping to checkout.
 * Canada: GST, with HST or GST+PST by province. Quebec (GST + 9.975% QST) is not a whole number
 * of basis points, so it falls back to GST only here.
 * Europe: standard VAT; shipping follows the goods it delivers.
 */
export const taxTable: Readonly<Record<string, CountryRates>> = {
  US: {
    basisPoints: 0,
    shippingTaxable: false,
    regions: {
      AK: 0, AZ: 560, CA: 725, CO: 290, DE: 0, FL: 600, GA: 400, IL: 625, MA: 625, MT: 0,
      NC: 475, NH: 0, NV: 685, NY: 400, OH: 575, OR: 0, PA: 600, TN: 700, TX: 625, WA: 650,
    },
  },
  CA: { basisPoints: 500, shippingTaxable: true, regions: { AB: 500, BC: 1200, MB: 1200, NS: 1400, ON: 1300, SK: 1100 } },
  AT: { basisPoints: 2000, shippingTaxable: true },
  BE: { basisPoints: 2100, shippingTaxable: true },
  DE: { basisPoints: 1900, shippingTaxable: true },
  DK: { basisPoints: 2500, shippingTaxable: true },
  ES: { basisPoints: 2100, shippingTaxable: true },
  FI: { basisPoints: 2550, shippingTaxable: true },
  FR: { basisPoints: 2000, shippingTaxable: true },
  IE: { basisPoints: 2300, shippingTaxable: true },
  IT: { basisPoints: 2200, shippingTaxable: true },
  LU: { basisPoints: 1700, shippingTaxable: true },
  NL: { basisPoints: 2100, shippingTaxable: true },
  PL: { basisPoints: 2300, shippingTaxable: true },
  PT: { basisPoints: 2300, shippingTaxable: true },
  SE: { basisPoints: 2500, shippingTaxable: true },
  GB: { basisPoints: 2000, shippingTaxable: true },
};

/** The regional rate when the table has one, else the country's; a country not in the table is untaxed. */
export function taxRateFor(country: string, region?: string): TaxRate {
  const rates = taxTable[country];
  if (!rates) return { jurisdiction: country, basisPoints: 0, shippingTaxable: false };
  const regional = region === undefined ? undefined : rates.regions?.[region];
  if (regional !== undefined) return { jurisdiction: `${country}-${region}`, basisPoints: regional, shippingTaxable: rates.shippingTaxable };
  return { jurisdiction: country, basisPoints: rates.basisPoints, shippingTaxable: rates.shippingTaxable };
}

export interface TaxEstimate extends TaxRate {
  amount: Money;
}

/** Tax on each line total (and on shipping when taxable), each rounded half-even, then summed. */
export function estimateTax(lineTotals: Money[], shipping: Money | null, rate: TaxRate, currency: string): TaxEstimate {
  const taxable = rate.shippingTaxable && shipping ? [...lineTotals, shipping] : lineTotals;
  return { ...rate, amount: sum(taxable.map((amount) => applyRate(amount, rate.basisPoints)), currency) };
}
