import { businessFailure } from '../../domain/business-failure';
import type { Money } from '../../domain/money';
import type { Carrier, RateRequest } from './carrier';

export interface ShippingActivityDeps {
  carrier: Carrier;
}

export function createShippingActivities({ carrier }: ShippingActivityDeps) {
  return {
    /** A rate for the order's parcel; an address the carrier refuses is AddressUndeliverable. Reads only: safe to retry. */
    async quoteShipping(request: RateRequest): Promise<Money> {
      const quote = await carrier.quote(request);
      if (quote.kind === 'undeliverable') throw businessFailure('AddressUndeliverable', 'we cannot deliver to this address', { carrierMessage: quote.reason });
      return quote.amount;
    },
  };
}

export type ShippingActivities = ReturnType<typeof createShippingActivities>;
