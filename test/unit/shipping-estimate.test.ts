import assert from 'node:assert/strict';
import { money } from '../../domain/money';
import { estimateShipping, extraKilograms, rateCard, rateCurrencies, shippingSpeeds, shippingZone } from '../../domain/shipping-estimate';

describe('shipping estimate', () => {
  it('maps a destination country to a zone', () => {
    assert.equal(shippingZone('US'), 'US');
    assert.equal(shippingZone('CA'), 'north-america');
    assert.equal(shippingZone('MX'), 'north-america');
    assert.equal(shippingZone('DE'), 'europe');
    assert.equal(shippingZone('GB'), 'europe');
    assert.equal(shippingZone('JP'), 'rest-of-world');
  });

  it('charges the base price for the first kilogram and perKg for each started one after it', () => {
    assert.equal(extraKilograms(0), 0);
    assert.equal(extraKilograms(1000), 0);
    assert.equal(extraKilograms(1001), 1);
    assert.equal(extraKilograms(2500), 2);
    const one = estimateShipping('USD', 'US', 'standard', { units: 2, weightGrams: 1000 });
    assert.deepEqual(one, { amount: money(599, 'USD'), speed: 'standard', zone: 'US', days: { min: 3, max: 5 } });
    assert.deepEqual(estimateShipping('USD', 'US', 'standard', { units: 2, weightGrams: 1001 })?.amount, money(699, 'USD'));
    assert.deepEqual(estimateShipping('USD', 'DE', 'express', { units: 5, weightGrams: 2500 })?.amount, money(3999 + 2 * 700, 'USD'));
    assert.deepEqual(estimateShipping('EUR', 'DE', 'standard', { units: 1, weightGrams: 300 })?.amount, money(899, 'EUR'));
  });

  it('costs nothing when there is nothing to ship', () => {
    assert.deepEqual(estimateShipping('GBP', 'JP', 'overnight', { units: 0, weightGrams: 0 })?.amount, money(0, 'GBP'));
  });

  it('is faster and dearer by speed in every zone and currency', () => {
    for (const [zone, speeds] of Object.entries(rateCard)) {
      for (const currency of rateCurrencies) {
        const bases = shippingSpeeds.map((speed) => speeds[speed].base[currency]);
        const perKg = shippingSpeeds.map((speed) => speeds[speed].perKg[currency]);
        assert.deepEqual([...bases].sort((a, b) => a - b), bases, `${zone} ${currency} base`);
        assert.deepEqual([...perKg].sort((a, b) => a - b), perKg, `${zone} ${currency} perKg`);
        assert.ok([...bases, ...perKg].every((amount) => Number.isSafeInteger(amount) && amount > 0));
      }
      const maxDays = shippingSpeeds.map((speed) => speeds[speed].days.max);
      assert.deepEqual([...maxDays].sort((a, b) => b - a), maxDays, `${zone} days`);
    }
  });

  it('gives no estimate in a currency the rate card has no prices for', () => {
    assert.equal(estimateShipping('JPY', 'JP', 'standard', { units: 1, weightGrams: 100 }), undefined);
  });

  it('refuses negative or fractional sizes', () => {
    assert.throws(() => estimateShipping('USD', 'US', 'standard', { units: -1, weightGrams: 0 }), RangeError);
    assert.throws(() => estimateShipping('USD', 'US', 'standard', { units: 1, weightGrams: 0.5 }), RangeError);
  });
});
