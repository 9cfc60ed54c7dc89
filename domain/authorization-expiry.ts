import { money, subtract, sum, type Money } from './money';

/**
 * What an order does about an authorization that lapses before every parcel has shipped.
 *
 * Policy: a day before the hold lapses, capture in full what the order is still owed (its total
 * less what was captured at handovers and less what was cancelled), as the final capture. Parcels
 * that ship later capture nothing; a parcel that is then cancelled is refunded. Re-authorizing is
 * not an option: checkout confirms a PaymentMethod that is not saved to a customer, so it cannot
 * be charged again off-session, and a new authorization could be declined after we shipped.
 */

/** Stripe holds an online card authorization for 7 days; a provider that does not say gets the same. */
export const DEFAULT_AUTHORIZATION_DAYS = 7;
/** Act this long before the hold lapses: room for the capture's retries, a provider outage, a weekend worker restart. */
export const CAPTURE_MARGIN_HOURS = 24;

const HOUR_MS = 60 * 60 * 1000;

/** When the hold lapses: the provider's word (capture_before), else the default from when it was authorized. */
export function authorizationExpiry(authorizedAt: Date, providerExpiry: Date | null): Date {
  return providerExpiry ?? new Date(authorizedAt.getTime() + DEFAULT_AUTHORIZATION_DAYS * 24 * HOUR_MS);
}

/** When the order acts on the hold: CAPTURE_MARGIN_HOURS before it lapses, or at once if that has passed. */
export function captureDeadline(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - CAPTURE_MARGIN_HOURS * HOUR_MS);
}

export type ExpiryDecision =
  /** Nothing to do before `until`: the order sleeps until then (or until a handover wakes it). */
  | { action: 'wait'; until: Date }
  /** Capture the rest of what is owed now, as the final capture. */
  | { action: 'capture-rest'; amount: Money; finalCapture: true }
  /** Everything owed is captured: whatever hold is left may lapse (or be released). */
  | { action: 'nothing-owed' }
  /** Too late: the provider has released the hold. Ops must collect the rest another way. */
  | { action: 'expired'; uncollected: Money };

export function decideBeforeExpiry({ expiresAt, now, owed, captured }: { expiresAt: Date; now: Date; owed: Money; captured: Money }): ExpiryDecision {
  const rest = subtract(owed, captured);
  if (rest.amount <= 0) return { action: 'nothing-owed' };
  if (now.getTime() >= expiresAt.getTime()) return { action: 'expired', uncollected: rest };
  const deadline = captureDeadline(expiresAt);
  if (now.getTime() < deadline.getTime()) return { action: 'wait', until: deadline };
  return { action: 'capture-rest', amount: money(rest.amount, rest.currency), finalCapture: true };
}

/** A capture the order started, as the expiry policy counts it. */
export interface CaptureCount {
  amount: Money;
  status: 'started' | 'captured' | 'authorization-expired' | 'refused';
}

/** What the order is owed: its total less the shares of parcels cancelled before they left (never captured). */
export function owedByOrder(total: Money, cancelledShares: readonly Money[]): Money {
  return subtract(total, sum([...cancelledShares], total.currency));
}

/** What the captures took or are taking: one under way counts (it must not be taken twice), one that failed does not. */
export function capturedOrUnderWay(captures: readonly CaptureCount[], currency: string): Money {
  return sum(
    captures.filter((c) => c.status === 'started' || c.status === 'captured').map((c) => c.amount),
    currency,
  );
}

/** What the order will not collect from this authorization: what it is owed less what captures actually took. */
export function uncollected(owed: Money, captures: readonly CaptureCount[]): Money {
  const taken = sum(
    captures.filter((c) => c.status === 'captured').map((c) => c.amount),
    owed.currency,
  );
  const rest = subtract(owed, taken);
  return rest.amount > 0 ? rest : money(0, owed.currency);
}
