import assert from 'node:assert/strict';
import { money } from '../../domain/money';
import { estimateTax, taxRateFor, taxTable } from '../../domain/tax';

describe('tax estimate', () => {
  it('uses the regional rate when the table has one, else the country rate', () => {
    assert.deepEqual(taxRateFor('US', 'CA'), { jurisdiction: 'US-CA', basisPoints: 725, shippingTaxable: false });
    assert.deepEqual(taxRateFor('US', 'OR'), { jurisdiction: 'US-OR', basisPoints: 0, shippingTaxable: false });
    assert.deepEqual(taxRateFor('US'), { jurisdiction: 'US', basisPoints: 0, shippingTaxable: false });
    assert.deepEqual(taxRateFor('US', 'ZZ'), { jurisdiction: 'US', basisPoints: 0, shippingTaxable: false });
    assert.deepEqual(taxRateFor('CA', 'ON'), { jurisdiction: 'CA-ON', basisPoints: 1300, shippingTaxable: true });
    assert.deepEqual(taxRateFor('CA', 'QC'), { jurisdiction: 'CA', basisPoints: 500, shippingTaxable: true });
    assert.deepEqual(taxRateFor('DE', 'BY'), { jurisdiction: 'DE', basisPoints: 1900, shippingTaxable: true });
    assert.deepEqual(taxRateFor('FR'), { jurisdiction: 'FR', basisPoints: 2000, shippingTaxable: true });
  });

  it('does not tax a country it has no rate for', () => {
    assert.deepEqual(taxRateFor('JP'), { jurisdiction: 'JP', basisPoints: 0, shippingTaxable: false });
  });

  it('holds only whole basis points between 0 and 100%', () => {
    const rates = Object.values(taxTable).flatMap((country) => [country.basisPoints, ...Object.values(country.regions ?? {})]);
    assert.ok(rates.length > 30);
    for (const rate of rates) assert.ok(Number.isSafeInteger(rate) && rate >= 0 && rate <= 10_000, String(rate));
  });

  it('rounds each line half-to-even, then sums (per-line rule)', () => {
    const rate = taxRateFor('US', 'CA'); // 7.25%
    // 10.00 -> 0.725 -> 0.72 (half-even); two such lines are 1.44, not the 1.45 of rounding the order once.
    assert.equal(estimateTax([money(1000, 'USD'), money(1000, 'USD')], null, rate, 'USD').amount.amount, 144);
    // 14.00 -> 1.015 -> 1.02 (half to the even cent upwards)
    assert.equal(estimateTax([money(1400, 'USD')], null, rate, 'USD').amount.amount, 102);
    // 10.10 -> 0.73225 -> 0.73
    assert.equal(estimateTax([money(1010, 'USD')], null, rate, 'USD').amount.amount, 73);
    assert.deepEqual(estimateTax([], null, rate, 'USD').amount, money(0, 'USD'));
  });

  it('taxes shipping as its own line only where the jurisdiction taxes it', () => {
    const lines = [money(5000, 'EUR')];
    const shipping = money(2399, 'EUR');
    // DE 19%: 950.00 on the goods, 455.81 -> 456 on shipping
    const de = estimateTax(lines, shipping, taxRateFor('DE'), 'EUR');
    assert.deepEqual(de, { jurisdiction: 'DE', basisPoints: 1900, shippingTaxable: true, amount: money(1406, 'EUR') });
    const us = estimateTax([money(5000, 'USD')], money(2399, 'USD'), taxRateFor('US', 'TX'), 'USD');
    assert.equal(us.amount.amount, 312); // 6.25% of 50.00 = 3.125 -> 3.12; shipping untaxed
  });

  it('refuses to add amounts in another currency', () => {
    assert.throws(() => estimateTax([money(100, 'EUR')], null, taxRateFor('DE'), 'USD'), /cannot combine/);
  });
});
