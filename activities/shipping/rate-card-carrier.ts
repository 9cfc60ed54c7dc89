import { estimateShipping } from '../../domain/shipping-estimate';
import type { Carrier } from './carrier';

/**
 * A carrier that prices from the rate card (domain/shipping-estimate.ts): what checkout uses until
 * a real carrier adapter (or the sandbox carrier service) is configured.
 */
export function createRateCardCarrier(): Carrier {
  return {
    name: 'rate-card',
    async quote({ destination, speed, currency, size }) {
      const estimate = estimateShipping(currency, destination.country, speed, size);
      if (!estimate) return { kind: 'undeliverable', reason: `no ${speed} rate in ${currency} to ${destination.country}` };
      return { kind: 'quoted', carrier: 'rate-card', service: `${estimate.zone}/${speed}`, amount: estimate.amount, days: estimate.days };
    },
  };
}
