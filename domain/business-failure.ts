import { ApplicationFailure } from '@temporalio/common';

/**
 * The closed set of business outcomes that are not outages. Each is a non-retryable
 * ApplicationFailure whose `type` is one of these names; anything else is retried.
 */
export const businessFailureTypes = [
  'OutOfStock',
  'PaymentDeclined',
  'PriceChanged',
  'RiskRejected',
  'AddressUndeliverable',
  'RefundExceedsCaptured',
  'UnknownSku',
  'UnknownWarehouse',
  'CartEmpty',
  'EmailInUse',
] as const;

export type BusinessFailureType = (typeof businessFailureTypes)[number];

export interface BusinessFailure<D = unknown> {
  type: BusinessFailureType;
  message: string;
  details?: D;
}

export function businessFailure<D>(type: BusinessFailureType, message: string, details?: D): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });
}

export function isBusinessFailureType(type: string | undefined | null): type is BusinessFailureType {
  return (businessFailureTypes as readonly string[]).includes(type ?? '');
}

/** Turns a failure that crossed an activity boundary back into a typed business outcome. */
export function asBusinessFailure(error: unknown): BusinessFailure | undefined {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && isBusinessFailureType(cause.type)) {
      return { type: cause.type, message: cause.message, details: cause.details?.[0] };
    }
    cause = cause.cause;
  }
  return undefined;
}
