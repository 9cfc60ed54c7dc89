import type { Address } from './checkout';

/** The address as the orders table and carriers store it. */
export function toPostalAddress(address: Address) {
  return {
    name: address.name,
    line1: address.line1,
    ...(address.line2 && { line2: address.line2 }),
    city: address.city,
    ...(address.region && { region: address.region }),
    postal_code: address.postalCode,
    country: address.country,
    ...(address.phone && { phone: address.phone }),
  };
}
