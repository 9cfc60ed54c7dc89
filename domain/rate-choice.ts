import type { Money } from './money';
import { rateCard, shippingZone, type ShippingSpeed } from './shipping-estimate';

/** One carrier service's price for a parcel, as a carrier quotes it. */
export interface CarrierRate {
  carrier: string;
  service: string;
  amount: Money;
  /** Business days in transit the carrier estimates; null when it gives none. */
  days: number | null;
}

/** The most days in transit the shopper was promised for a speed to a country: the rate card's upper bound. */
export function promisedDays(speed: ShippingSpeed, country: string): number {
  return rateCard[shippingZone(country)][speed].days.max;
}

/**
 * The cheapest service that keeps the promise: among rates in the given currency whose estimate
 * is within the promised days (a rate with no estimate promises nothing), the lowest price; on a
 * tie the faster, then by carrier and service name, so the same rates always give the same choice.
 * None when no service is fast enough.
 */
export function chooseRate(rates: readonly CarrierRate[], maxDays: number, currency: string): CarrierRate | undefined {
  return rates
    .filter((rate) => rate.amount.currency === currency && rate.days !== null && rate.days <= maxDays)
    .sort(
      (a, b) =>
        a.amount.amount - b.amount.amount ||
        (a.days ?? 0) - (b.days ?? 0) ||
        a.carrier.localeCompare(b.carrier) ||
        a.service.localeCompare(b.service),
    )[0];
}
