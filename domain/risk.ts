import type { Money } from './money';

/**
 * Explainable risk scoring for checkout. Every rule is a row of `riskRules`: when it applies it
 * adds its points and a reason support can read. The score is the capped sum; the level decides
 * what checkout does: low confirms, medium holds the order for support review, high rejects it
 * (RiskRejected). Deterministic: the facts are all the input, gathered by an activity.
 */

export interface RiskFacts {
  total: Money;
  /**
   * Orders this customer placed in the 24 hours before this one (this one not counted); for a
   * guest, orders with the same email.
   */
  customerOrdersLast24h: number;
  /** All earlier orders of the customer (or email), this one not counted; at least customerOrdersLast24h. */
  customerOrdersEver: number;
  /** ISO 3166-1 alpha-2 */
  billingCountry: string;
  /** ISO 3166-1 alpha-2 */
  shippingCountry: string;
  /** The part of the email after the `@` (see emailDomainOf). */
  emailDomain?: string;
}

export type RiskLevel = 'low' | 'medium' | 'high';

export const riskReasonCodes = [
  'velocity-extreme',
  'velocity-elevated',
  'amount-very-high',
  'amount-high',
  'disposable-email',
  'country-mismatch',
  'first-order',
] as const;
export type RiskReasonCode = (typeof riskReasonCodes)[number];

export interface RiskReason {
  code: RiskReasonCode;
  points: number;
  message: string;
}

export interface RiskAssessment {
  /** 0..100 */
  score: number;
  level: RiskLevel;
  /** The rules that applied, in table order. */
  reasons: RiskReason[];
}

/** low < medium <= score < high <= 100 */
export const riskThresholds = { medium: 30, high: 70 } as const;
export const MAX_RISK_SCORE = 100;

/** Earlier orders in the last 24 hours from which a customer's pace looks unusual. */
export const velocityThresholds = { elevated: 2, extreme: 5 } as const;

/**
 * Order totals (minor units, goods + tax + shipping) from which an amount adds risk, per
 * currency. A currency missing here adds no amount points: add it before selling in it.
 */
export const amountThresholds: Readonly<Record<string, { high: number; veryHigh: number }>> = {
  USD: { high: 50_000, veryHigh: 200_000 },
  EUR: { high: 45_000, veryHigh: 180_000 },
  GBP: { high: 40_000, veryHigh: 160_000 },
  CAD: { high: 70_000, veryHigh: 270_000 },
};

/** Throwaway-inbox providers; a subdomain of one counts as the provider. */
export const disposableEmailDomains: ReadonlySet<string> = new Set([
  '10minutemail.com',
  'dispostable.com',
  'getnada.com',
  'guerrillamail.com',
  'mailinator.com',
  'sharklasers.com',
  'temp-mail.org',
  'tempmail.com',
  'trashmail.com',
  'yopmail.com',
]);

export interface RiskRule {
  code: RiskReasonCode;
  points: number;
  /** The message when the rule applies to these facts, undefined when it does not. */
  explain: (facts: RiskFacts) => string | undefined;
}

/** Thresholds exist only for two-decimal currencies; integer formatting, no float. */
const formatAmount = ({ amount, currency }: Money): string =>
  `${currency} ${(amount - (amount % 100)) / 100}.${String(amount % 100).padStart(2, '0')}`;

/** The threshold of the band the total falls in, when that band is `band`. */
function amountBand(total: Money, band: 'high' | 'veryHigh'): Money | undefined {
  const limits = amountThresholds[total.currency];
  if (!limits || total.amount < limits.high) return undefined;
  const inBand = total.amount >= limits.veryHigh ? 'veryHigh' : 'high';
  return inBand === band ? { amount: limits[band], currency: total.currency } : undefined;
}

/**
 * The rule table. Tiered rules (velocity, amount) have disjoint bands, so at most one tier of
 * each applies and every rule simply adds. Points were chosen so that one weak signal stays
 * low, two together are reviewed, and a strong signal combined with others is rejected:
 *   first order + country mismatch = 25 low; + disposable email = 50 medium;
 *   5+ orders in 24h + very high amount = 85 high.
 */
export const riskRules: readonly RiskRule[] = [
  {
    code: 'velocity-extreme',
    points: 50,
    explain: ({ customerOrdersLast24h: n }) =>
      n >= velocityThresholds.extreme ? `${n} earlier orders in the last 24 hours (${velocityThresholds.extreme} or more)` : undefined,
  },
  {
    code: 'velocity-elevated',
    points: 25,
    explain: ({ customerOrdersLast24h: n }) =>
      n >= velocityThresholds.elevated && n < velocityThresholds.extreme
        ? `${n} earlier orders in the last 24 hours (${velocityThresholds.elevated} or more)`
        : undefined,
  },
  {
    code: 'amount-very-high',
    points: 35,
    explain: ({ total }) => {
      const threshold = amountBand(total, 'veryHigh');
      return threshold && `total ${formatAmount(total)} is at least ${formatAmount(threshold)}`;
    },
  },
  {
    code: 'amount-high',
    points: 15,
    explain: ({ total }) => {
      const threshold = amountBand(total, 'high');
      return threshold && `total ${formatAmount(total)} is at least ${formatAmount(threshold)}`;
    },
  },
  {
    code: 'disposable-email',
    points: 25,
    explain: ({ emailDomain }) =>
      isDisposableEmailDomain(emailDomain) ? `email at a disposable-inbox provider (${normalizeDomain(emailDomain ?? '')})` : undefined,
  },
  {
    code: 'country-mismatch',
    points: 15,
    explain: ({ billingCountry, shippingCountry }) =>
      billingCountry.toUpperCase() !== shippingCountry.toUpperCase()
        ? `billing country ${billingCountry.toUpperCase()} differs from shipping country ${shippingCountry.toUpperCase()}`
        : undefined,
  },
  {
    code: 'first-order',
    points: 10,
    explain: ({ customerOrdersEver }) => (customerOrdersEver === 0 ? 'first order from this customer' : undefined),
  },
];

const normalizeDomain = (domain: string): string => domain.trim().toLowerCase().replace(/\.$/, '');

export function isDisposableEmailDomain(domain: string | undefined): boolean {
  if (!domain) return false;
  const labels = normalizeDomain(domain).split('.');
  // example.mailinator.com counts as mailinator.com
  return labels.some((_, index) => disposableEmailDomains.has(labels.slice(index).join('.')));
}

/** The domain of an address, lower case; undefined when there is no `@` followed by something. */
export function emailDomainOf(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? '' : normalizeDomain(email.slice(at + 1));
  return domain === '' ? undefined : domain;
}

export function riskLevel(score: number): RiskLevel {
  if (score >= riskThresholds.high) return 'high';
  if (score >= riskThresholds.medium) return 'medium';
  return 'low';
}

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

export function scoreRisk(facts: RiskFacts): RiskAssessment {
  if (!isCount(facts.customerOrdersLast24h) || !isCount(facts.customerOrdersEver)) throw new RangeError('order counts must be non-negative integers');
  if (facts.customerOrdersLast24h > facts.customerOrdersEver) throw new RangeError('orders in the last 24 hours cannot exceed orders ever');
  if (facts.total.amount < 0) throw new RangeError('an order total cannot be negative');
  const reasons: RiskReason[] = [];
  for (const rule of riskRules) {
    const message = rule.explain(facts);
    if (message !== undefined) reasons.push({ code: rule.code, points: rule.points, message });
  }
  const score = Math.min(
    MAX_RISK_SCORE,
    reasons.reduce((total, reason) => total + reason.points, 0),
  );
  return { score, level: riskLevel(score), reasons };
}
