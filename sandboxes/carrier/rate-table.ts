/**
 * How the sandbox prices a parcel, deterministically, so tests can predict every rate:
 *
 *   pounds = max(1, ceil(weight oz / 16), ceil(length x width x height in / 139))   (dimensional weight, divisor 139)
 *   zone   = 1 + |first digit of origin ZIP - first digit of destination ZIP|       (1..10 within a country)
 *          = 12 between countries
 *   price  = base + perPound x pounds + perZone x zone                               (USD, rounded to the cent)
 *   days   = service's days + zone-dependent extra, as in the table below
 *
 * Two carriers with three services each; SandboxExpress does not go abroad by Saver.
 */
export interface ServiceRate {
  carrier: string;
  service: string;
  /** Cents. */
  base: number;
  perPound: number;
  perZone: number;
  days: (zone: number) => number;
  international: boolean;
}

export const carriers = ['SandboxPost', 'SandboxExpress'] as const;

export const serviceRates: readonly ServiceRate[] = [
  { carrier: 'SandboxPost', service: 'Ground', base: 450, perPound: 55, perZone: 35, days: (zone) => (zone > 10 ? 12 : 2 + Math.ceil(zone / 2)), international: true },
  { carrier: 'SandboxPost', service: 'Priority', base: 790, perPound: 85, perZone: 60, days: (zone) => (zone > 10 ? 6 : 1 + Math.ceil(zone / 4)), international: true },
  { carrier: 'SandboxPost', service: 'Express', base: 2450, perPound: 160, perZone: 110, days: (zone) => (zone > 10 ? 3 : 1), international: true },
  { carrier: 'SandboxExpress', service: 'Saver', base: 620, perPound: 70, perZone: 45, days: (zone) => 2 + Math.ceil(zone / 3), international: false },
  { carrier: 'SandboxExpress', service: 'TwoDay', base: 1240, perPound: 105, perZone: 80, days: (zone) => (zone > 10 ? 4 : 2), international: true },
  { carrier: 'SandboxExpress', service: 'Overnight', base: 2900, perPound: 190, perZone: 130, days: (zone) => (zone > 10 ? 2 : 1), international: true },
];

export interface Priced {
  carrier: string;
  service: string;
  cents: number;
  days: number;
}

export interface ParcelShape {
  weightOz: number;
  length?: number;
  width?: number;
  height?: number;
}

export function billablePounds({ weightOz, length, width, height }: ParcelShape): number {
  const dimensional = length && width && height ? Math.ceil((length * width * height) / 139) : 0;
  return Math.max(1, Math.ceil(weightOz / 16), dimensional);
}

export function zoneBetween(from: { country: string; zip: string | null }, to: { country: string; zip: string | null }): number {
  if (from.country !== to.country) return 12;
  const digit = (zip: string | null) => Number(/\d/.exec(zip ?? '')?.[0] ?? 0);
  return 1 + Math.abs(digit(from.zip) - digit(to.zip));
}

export function priceParcel(parcel: ParcelShape, zone: number): Priced[] {
  const pounds = billablePounds(parcel);
  return serviceRates
    .filter((rate) => zone <= 10 || rate.international)
    .map((rate) => ({ carrier: rate.carrier, service: rate.service, cents: rate.base + rate.perPound * pounds + rate.perZone * zone, days: rate.days(zone) }));
}

export const dollars = (cents: number): string => (cents / 100).toFixed(2);
