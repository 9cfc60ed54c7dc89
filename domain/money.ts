/**
 * Money is an integer number of minor units plus an ISO 4217 currency code. Every operation
 * checks that amounts stay safe integers, so no float or overflow can creep in.
 */
export interface Money {
  amount: number;
  currency: string;
}

const CURRENCY = /^[A-Z]{3}$/;

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`amount must be a safe integer of minor units, got ${amount}`);
  if (!CURRENCY.test(currency)) throw new RangeError(`currency must be an ISO 4217 code, got ${currency}`);
  return { amount, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new RangeError(`cannot combine ${a.currency} with ${b.currency}`);
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

export function multiply(a: Money, quantity: number): Money {
  if (!Number.isSafeInteger(quantity)) throw new RangeError(`quantity must be an integer, got ${quantity}`);
  return money(a.amount * quantity, a.currency);
}

export function sum(amounts: Money[], currency: string): Money {
  return amounts.reduce(add, money(0, currency));
}

/**
 * numerator / denominator rounded half-to-even (banker's rounding): the one rounding rule of
 * the system, for tax and proportional amounts. Integer arithmetic only.
 */
export function divideHalfEven(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator === 0) {
    throw new RangeError(`cannot divide ${numerator} by ${denominator}`);
  }
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const sign = (n < 0n) !== (d < 0n) ? -1n : 1n;
  const absN = n < 0n ? -n : n;
  const absD = d < 0n ? -d : d;
  let quotient = absN / absD;
  const twiceRemainder = (absN % absD) * 2n;
  if (twiceRemainder > absD || (twiceRemainder === absD && quotient % 2n === 1n)) quotient += 1n;
  return Number(sign * quotient);
}

/** amount * basisPoints / 10000, rounded half-to-even: 1 basis point = 0.01%. */
export function applyRate(a: Money, basisPoints: number): Money {
  return money(divideHalfEven(a.amount * basisPoints, 10_000), a.currency);
}

/**
 * Splits an amount in proportion to weights with the largest-remainder method: the parts are
 * whole minor units and always add up to the amount exactly (partial refunds, discounts).
 * Ties go to the earlier part, so the split is deterministic.
 */
export function allocate(a: Money, weights: number[]): Money[] {
  if (a.amount < 0) throw new RangeError('allocate splits non-negative amounts');
  if (weights.length === 0) throw new RangeError('allocate needs at least one weight');
  if (weights.some((w) => !Number.isSafeInteger(w) || w < 0)) throw new RangeError('weights must be non-negative integers');
  const total = BigInt(weights.reduce((s, w) => s + w, 0));
  if (total === 0n) throw new RangeError('weights must not all be zero');
  const amount = BigInt(a.amount);
  const parts = weights.map((w, index) => {
    const exact = amount * BigInt(w);
    return { index, units: exact / total, remainder: exact % total };
  });
  let left = amount - parts.reduce((s, p) => s + p.units, 0n);
  const byRemainder = [...parts].sort((x, y) => (x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1));
  for (const part of byRemainder) {
    if (left === 0n) break;
    part.units += 1n;
    left -= 1n;
  }
  return parts.map((p) => money(Number(p.units), a.currency));
}
