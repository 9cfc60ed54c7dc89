import { add, money, multiply, type Money } from './money';

/**
 * A storefront's shipping estimate from a flat rate card: a base price per destination zone and
 * speed plus a price per started kilogram above the first. Checkout replaces it with real
 * carrier quotes for the actual parcels.
 */
export const shippingSpeeds = ['standard', 'express', 'overnight'] as const;
export type ShippingSpeed = (typeof shippingSpeeds)[number];

export type ShippingZone = 'US' | 'north-america' | 'europe' | 'rest-of-world';

/** What a line weighs when its SKU has no weight in the catalog. */
export const DEFAULT_UNIT_WEIGHT_GRAMS = 500;

const NORTH_AMERICA = new Set(['CA', 'MX']);
const EUROPE = new Set([
  'AT', 'BE', 'BG', 'CH', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GB', 'GR', 'HR', 'HU', 'IE', 'IS',
  'IT', 'LI', 'LT', 'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK',
]);

export function shippingZone(country: string): ShippingZone {
  if (country === 'US') return 'US';
  if (NORTH_AMERICA.has(country)) return 'north-america';
  if (EUROPE.has(country)) return 'europe';
  return 'rest-of-world';
}

/** Minor units per currency the rate card is priced in. */
type Priced = Readonly<Record<RateCurrency, number>>;
export const rateCurrencies = ['USD', 'EUR', 'GBP'] as const;
export type RateCurrency = (typeof rateCurrencies)[number];

interface Rate {
  base: Priced;
  perKg: Priced;
  days: { min: number; max: number };
}

export const rateCard: Readonly<Record<ShippingZone, Readonly<Record<ShippingSpeed, Rate>>>> = {
  US: {
    standard: { base: { USD: 599, EUR: 549, GBP: 479 }, perKg: { USD: 100, EUR: 95, GBP: 80 }, days: { min: 3, max: 5 } },
    express: { base: { USD: 1499, EUR: 1399, GBP: 1199 }, perKg: { USD: 200, EUR: 185, GBP: 160 }, days: { min: 1, max: 2 } },
    overnight: { base: { USD: 2999, EUR: 2799, GBP: 2399 }, perKg: { USD: 400, EUR: 370, GBP: 320 }, days: { min: 1, max: 1 } },
  },
  'north-america': {
    standard: { base: { USD: 1499, EUR: 1399, GBP: 1199 }, perKg: { USD: 300, EUR: 280, GBP: 240 }, days: { min: 5, max: 10 } },
    express: { base: { USD: 2999, EUR: 2799, GBP: 2399 }, perKg: { USD: 500, EUR: 465, GBP: 400 }, days: { min: 2, max: 4 } },
    overnight: { base: { USD: 5999, EUR: 5599, GBP: 4799 }, perKg: { USD: 900, EUR: 840, GBP: 720 }, days: { min: 1, max: 2 } },
  },
  europe: {
    standard: { base: { USD: 1999, EUR: 899, GBP: 799 }, perKg: { USD: 400, EUR: 150, GBP: 130 }, days: { min: 3, max: 7 } },
    express: { base: { USD: 3999, EUR: 1999, GBP: 1699 }, perKg: { USD: 700, EUR: 300, GBP: 260 }, days: { min: 1, max: 3 } },
    overnight: { base: { USD: 7999, EUR: 3499, GBP: 2999 }, perKg: { USD: 1200, EUR: 500, GBP: 430 }, days: { min: 1, max: 2 } },
  },
  'rest-of-world': {
    standard: { base: { USD: 2499, EUR: 2299, GBP: 1999 }, perKg: { USD: 600, EUR: 560, GBP: 480 }, days: { min: 8, max: 20 } },
    express: { base: { USD: 4999, EUR: 4699, GBP: 3999 }, perKg: { USD: 900, EUR: 840, GBP: 720 }, days: { min: 3, max: 7 } },
    overnight: { base: { USD: 9999, EUR: 9299, GBP: 7999 }, perKg: { USD: 1500, EUR: 1400, GBP: 1200 }, days: { min: 2, max: 3 } },
  },
};

export interface ShipmentSize {
  units: number;
  weightGrams: number;
}

/** Units and weight of some lines; a line without a known weight counts DEFAULT_UNIT_WEIGHT_GRAMS a unit. */
export function shipmentSize(lines: readonly { quantity: number; weightGrams: number | null }[]): ShipmentSize {
  return lines.reduce(
    (size, line) => ({
      units: size.units + line.quantity,
      weightGrams: size.weightGrams + (line.weightGrams ?? DEFAULT_UNIT_WEIGHT_GRAMS) * line.quantity,
    }),
    { units: 0, weightGrams: 0 },
  );
}

export interface ShippingEstimate {
  amount: Money;
  speed: ShippingSpeed;
  zone: ShippingZone;
  /** Business days in transit. */
  days: { min: number; max: number };
}

const isRateCurrency = (currency: string): currency is RateCurrency => (rateCurrencies as readonly string[]).includes(currency);

/** The first kilogram is in the base price; every started kilogram above it costs perKg. */
export function extraKilograms(weightGrams: number): number {
  return Math.max(0, Math.ceil(weightGrams / 1000) - 1);
}

/**
 * Nothing to ship costs nothing. Undefined when the rate card has no prices in that currency
 * (the storefront then shows no estimate rather than a converted guess).
 */
export function estimateShipping(
  currency: string,
  country: string,
  speed: ShippingSpeed,
  { units, weightGrams }: ShipmentSize,
): ShippingEstimate | undefined {
  if (!Number.isSafeInteger(units) || units < 0) throw new RangeError(`units must be a non-negative integer, got ${units}`);
  if (!Number.isSafeInteger(weightGrams) || weightGrams < 0) throw new RangeError(`weight must be a non-negative integer of grams, got ${weightGrams}`);
  if (!isRateCurrency(currency)) return undefined;
  const zone = shippingZone(country);
  const rate = rateCard[zone][speed];
  const amount =
    units === 0
      ? money(0, currency)
      : add(money(rate.base[currency], currency), multiply(money(rate.perKg[currency], currency), extraKilograms(weightGrams)));
  return { amount, speed, zone, days: rate.days };
}
