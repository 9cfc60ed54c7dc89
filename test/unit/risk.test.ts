import assert from 'node:assert/strict';
import { money } from '../../domain/money';
import {
  amountThresholds,
  emailDomainOf,
  isDisposableEmailDomain,
  riskLevel,
  riskReasonCodes,
  riskRules,
  scoreRisk,
  type RiskFacts,
} from '../../domain/risk';

/** A returning customer with a modest order: nothing to flag. */
const clean: RiskFacts = {
  total: money(4999, 'USD'),
  customerOrdersLast24h: 0,
  customerOrdersEver: 7,
  billingCountry: 'US',
  shippingCountry: 'US',
  emailDomain: 'example.com',
};

const codes = (facts: Partial<RiskFacts>): string[] => scoreRisk({ ...clean, ...facts }).reasons.map((r) => r.code);

describe('risk scoring', () => {
  it('scores a clean order 0 and low, with no reasons', () => {
    assert.deepEqual(scoreRisk(clean), { score: 0, level: 'low', reasons: [] });
  });

  it('explains each rule with its points and a readable message', () => {
    assert.deepEqual(scoreRisk({ ...clean, customerOrdersEver: 0 }).reasons, [
      { code: 'first-order', points: 10, message: 'first order from this customer' },
    ]);
    assert.deepEqual(scoreRisk({ ...clean, billingCountry: 'fr' }).reasons, [
      { code: 'country-mismatch', points: 15, message: 'billing country FR differs from shipping country US' },
    ]);
    assert.deepEqual(scoreRisk({ ...clean, emailDomain: 'Mailinator.com' }).reasons, [
      { code: 'disposable-email', points: 25, message: 'email at a disposable-inbox provider (mailinator.com)' },
    ]);
    assert.deepEqual(scoreRisk({ ...clean, customerOrdersLast24h: 3 }).reasons, [
      { code: 'velocity-elevated', points: 25, message: '3 earlier orders in the last 24 hours (2 or more)' },
    ]);
    assert.deepEqual(scoreRisk({ ...clean, total: money(250_000, 'USD') }).reasons, [
      { code: 'amount-very-high', points: 35, message: 'total USD 2500.00 is at least USD 2000.00' },
    ]);
    assert.deepEqual(scoreRisk({ ...clean, total: money(60_005, 'EUR') }).reasons, [
      { code: 'amount-high', points: 15, message: 'total EUR 600.05 is at least EUR 450.00' },
    ]);
  });

  it('applies one velocity tier, by the number of earlier orders in 24 hours', () => {
    assert.deepEqual(codes({ customerOrdersLast24h: 1 }), []);
    assert.deepEqual(codes({ customerOrdersLast24h: 2 }), ['velocity-elevated']);
    assert.deepEqual(codes({ customerOrdersLast24h: 4 }), ['velocity-elevated']);
    assert.deepEqual(codes({ customerOrdersLast24h: 5 }), ['velocity-extreme']);
    assert.deepEqual(codes({ customerOrdersLast24h: 7 }), ['velocity-extreme']);
  });

  it('applies one amount tier, with thresholds per currency', () => {
    assert.deepEqual(codes({ total: money(49_999, 'USD') }), []);
    assert.deepEqual(codes({ total: money(50_000, 'USD') }), ['amount-high']);
    assert.deepEqual(codes({ total: money(199_999, 'USD') }), ['amount-high']);
    assert.deepEqual(codes({ total: money(200_000, 'USD') }), ['amount-very-high']);
    assert.deepEqual(codes({ total: money(40_000, 'GBP') }), ['amount-high']);
    assert.deepEqual(codes({ total: money(60_000, 'CAD') }), []);
    // No thresholds for the currency: no amount points.
    assert.equal(amountThresholds.JPY, undefined);
    assert.deepEqual(codes({ total: money(99_999_999, 'JPY') }), []);
  });

  it('recognises disposable email domains, their subdomains, any case, but not look-alikes', () => {
    assert.equal(isDisposableEmailDomain('yopmail.com'), true);
    assert.equal(isDisposableEmailDomain('inbox.Mailinator.COM.'), true);
    assert.equal(isDisposableEmailDomain('notmailinator.com'), false);
    assert.equal(isDisposableEmailDomain('mailinator.com.example.org'), false);
    assert.equal(isDisposableEmailDomain('example.com'), false);
    assert.equal(isDisposableEmailDomain(undefined), false);
    assert.deepEqual(codes({ emailDomain: undefined }), []);
  });

  it('takes the domain of an email address', () => {
    assert.equal(emailDomainOf('Ann@Example.COM'), 'example.com');
    assert.equal(emailDomainOf('"a@b"@mailinator.com'), 'mailinator.com');
    assert.equal(emailDomainOf('no-at-sign'), undefined);
    assert.equal(emailDomainOf('trailing@'), undefined);
  });

  it('maps the score to low < 30 <= medium < 70 <= high', () => {
    assert.equal(riskLevel(0), 'low');
    assert.equal(riskLevel(29), 'low');
    assert.equal(riskLevel(30), 'medium');
    assert.equal(riskLevel(69), 'medium');
    assert.equal(riskLevel(70), 'high');
    assert.equal(riskLevel(100), 'high');
  });

  it('adds the points of the rules that apply', () => {
    const firstAbroad = scoreRisk({ ...clean, customerOrdersEver: 0, billingCountry: 'DE' });
    assert.deepEqual([firstAbroad.score, firstAbroad.level], [25, 'low']);

    const throwaway = scoreRisk({ ...clean, customerOrdersEver: 0, billingCountry: 'DE', emailDomain: 'trashmail.com' });
    assert.deepEqual([throwaway.score, throwaway.level], [50, 'medium']);
    assert.deepEqual(
      throwaway.reasons.map((r) => r.code),
      ['disposable-email', 'country-mismatch', 'first-order'],
    );

    const spree = scoreRisk({ ...clean, customerOrdersLast24h: 6, total: money(300_000, 'USD') });
    assert.deepEqual([spree.score, spree.level], [85, 'high']);
  });

  it('caps the score at 100', () => {
    const everything = scoreRisk({
      total: money(900_000, 'EUR'),
      customerOrdersLast24h: 9,
      customerOrdersEver: 9,
      billingCountry: 'NG',
      shippingCountry: 'GB',
      emailDomain: 'guerrillamail.com',
    });
    assert.equal(
      everything.reasons.reduce((s, r) => s + r.points, 0),
      125,
    );
    assert.deepEqual([everything.score, everything.level], [100, 'high']);
  });

  it('keeps its rules as one table with one row per reason code', () => {
    assert.deepEqual(
      riskRules.map((rule) => rule.code),
      [...riskReasonCodes],
    );
    for (const rule of riskRules) assert.ok(Number.isSafeInteger(rule.points) && rule.points > 0, rule.code);
  });

  it('refuses facts that cannot be true', () => {
    assert.throws(() => scoreRisk({ ...clean, customerOrdersLast24h: -1 }), RangeError);
    assert.throws(() => scoreRisk({ ...clean, customerOrdersEver: 1.5 }), RangeError);
    assert.throws(() => scoreRisk({ ...clean, customerOrdersLast24h: 3, customerOrdersEver: 2 }), /cannot exceed/);
    assert.throws(() => scoreRisk({ ...clean, total: money(-1, 'USD') }), /negative/);
  });
});
