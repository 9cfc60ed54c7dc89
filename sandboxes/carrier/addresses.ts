import { asObject, asText, isTrue, isoTime, newId, type CarrierContext } from './carrier-context';
import type { CarrierObject } from './carrier-store';
import { EasyPostError, invalidParameter, notFound } from './easypost-error';

export type Address = CarrierObject & {
  object: 'Address';
  street1: string | null;
  street2: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string;
  verifications: Record<string, unknown>;
};

const FIELDS = ['name', 'company', 'street1', 'street2', 'city', 'state', 'zip', 'country', 'phone', 'email'] as const;

/**
 * The sandbox's one rule for an address nobody can deliver to: a street line containing
 * "UNDELIVERABLE", a postal code of only zeros, or no street or postal code at all.
 */
export function deliveryErrors(address: Pick<Address, 'street1' | 'zip'>): Array<Record<string, unknown>> {
  const street = address.street1 ?? '';
  const zip = (address.zip ?? '').replace(/[\s-]/g, '');
  if (!street.trim()) return [{ code: 'E.ADDRESS.NOT_FOUND', field: 'street1', message: 'Address not found', suggestion: null }];
  if (/undeliverable/i.test(street)) return [{ code: 'E.ADDRESS.NOT_FOUND', field: 'address', message: 'Address not found', suggestion: null }];
  if (!zip || /^0+$/.test(zip)) return [{ code: 'E.ZIP.NOT_FOUND', field: 'zip', message: 'Invalid or missing zip code', suggestion: null }];
  return [];
}

/** An Address from a request's fields, or the kept one when only its id is given (as EasyPost allows). */
export function addressFrom(ctx: CarrierContext, params: unknown, field: string): Address {
  const given = asObject(params);
  const id = asText(given.id);
  if (id && Object.keys(given).length === 1) {
    const kept = ctx.store.get<Address>(id, 'Address');
    if (!kept) throw notFound('Address', id);
    return kept;
  }
  if (!asText(given.street1) && !asText(given.zip)) throw invalidParameter(field, `${field} needs at least street1 and zip.`);
  const fields = Object.fromEntries(FIELDS.map((name) => [name, asText(given[name]) ?? null])) as Record<(typeof FIELDS)[number], string | null>;
  const at = isoTime(ctx.now());
  return ctx.store.put<Address>({
    id: newId('adr'),
    object: 'Address',
    mode: 'test',
    ...fields,
    country: (asText(given.country) ?? 'US').toUpperCase(),
    residential: given.residential === true || given.residential === 'true' ? true : null,
    verifications: {},
    created_at: at,
    updated_at: at,
  });
}

/** Checks deliverability and keeps the outcome on the address, normalised (upper case) when it passes. */
function verify(ctx: CarrierContext, address: Address): Address {
  const errors = deliveryErrors(address);
  const upper = (value: string | null) => value?.toUpperCase() ?? null;
  const normalised = errors.length === 0 ? { street1: upper(address.street1), street2: upper(address.street2), city: upper(address.city), state: upper(address.state) } : {};
  return ctx.store.put<Address>({
    ...address,
    ...normalised,
    verifications: { delivery: { success: errors.length === 0, errors, details: errors.length === 0 ? { latitude: null, longitude: null, time_zone: null } : null } },
    updated_at: isoTime(ctx.now()),
  });
}

const verifyFailure = (address: Address): EasyPostError =>
  new EasyPostError(422, 'ADDRESS.VERIFY.FAILURE', 'Unable to verify address.', ((address.verifications.delivery as { errors?: Array<Record<string, unknown>> }).errors ?? []));

/** POST /v2/addresses: `verify` records the outcome on the address, `verify_strict` refuses an undeliverable one. */
export function createAddress(ctx: CarrierContext, body: Record<string, unknown>): Address {
  const address = addressFrom(ctx, body.address, 'address');
  if (!isTrue(body.verify) && !isTrue(body.verify_strict)) return address;
  const verified = verify(ctx, address);
  if (isTrue(body.verify_strict) && (verified.verifications.delivery as { success: boolean }).success === false) throw verifyFailure(verified);
  return verified;
}

/** POST /v2/addresses/create_and_verify: the verified address wrapped in `{ address }`, or ADDRESS.VERIFY.FAILURE. */
export function createAndVerifyAddress(ctx: CarrierContext, body: Record<string, unknown>): Record<string, unknown> {
  const verified = verify(ctx, addressFrom(ctx, body.address, 'address'));
  if ((verified.verifications.delivery as { success: boolean }).success === false) throw verifyFailure(verified);
  return { address: verified };
}
