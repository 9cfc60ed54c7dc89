import type { Address } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import type { ShipmentSize, ShippingSpeed } from '../../domain/shipping-estimate';

/** The Carrier port: checkout asks it for a rate; shipping (labels, tracking) extends it. */
export interface RateRequest {
  destination: Pick<Address, 'country' | 'region' | 'postalCode'>;
  speed: ShippingSpeed;
  currency: string;
  size: ShipmentSize;
}

export type RateQuote =
  | { kind: 'quoted'; carrier: string; service: string; amount: Money; days: { min: number; max: number } }
  /** The carrier will not take this parcel to this address: a business outcome, not an outage. */
  | { kind: 'undeliverable'; reason: string };

export interface Carrier {
  readonly name: string;
  quote(request: RateRequest): Promise<RateQuote>;
}
