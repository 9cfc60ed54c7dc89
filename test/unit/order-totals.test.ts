import assert from 'node:assert/strict';
import { newCart, priceCart, type Cart } from '../../domain/cart';
import type { CheckoutLine, OrderTotals } from '../../domain/checkout';
import { add, applyRate, money, sum } from '../../domain/money';
import { computeTotals } from '../../domain/order-totals';
import { shippingSpeeds } from '../../domain/shipping-estimate';
import { estimateTax, taxRateFor } from '../../domain/tax';

const line = (sku: string, amount: number, quantity: number, weightGrams: number | null = 400, currency = 'USD'): CheckoutLine => ({
  sku,
  productId: `p-${sku}`,
  productName: `Product ${sku}`,
  quantity,
  unitPrice: money(amount, currency),
  weightGrams,
});

/** Deterministic PRNG (mulberry32) so the generated cases are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function assertAddsUp(totals: OrderTotals): void {
  const c = totals.currency;
  assert.deepEqual(totals.total, add(add(totals.subtotal, totals.tax), totals.shipping));
  assert.deepEqual(
    totals.subtotal,
    sum(
      totals.lines.map((l) => l.lineTotal),
      c,
    ),
  );
  assert.deepEqual(
    totals.tax,
    add(
      sum(
        totals.lines.map((l) => l.lineTax),
        c,
      ),
      totals.shippingTax,
    ),
  );
  for (const l of totals.lines) assert.equal(l.lineTotal.amount, l.unitPrice.amount * l.quantity);
}

describe('order totals', () => {
  it('taxes each line half-even and adds the rate-card shipping (US-CA: shipping untaxed)', () => {
    // 2 x 10.00 + 1 x 14.00 at 7.25%: 1.45 and 1.015 -> 1.02; 1.1 kg standard in the US: 5.99 + 1.00
    const totals = computeTotals([line('A', 1000, 2, 400), line('B', 1400, 1, 300)], { country: 'US', region: 'CA' }, 'standard');
    assert.deepEqual(totals, {
      currency: 'USD',
      lines: [
        { sku: 'A', quantity: 2, unitPrice: money(1000, 'USD'), lineTotal: money(2000, 'USD'), lineTax: money(145, 'USD') },
        { sku: 'B', quantity: 1, unitPrice: money(1400, 'USD'), lineTotal: money(1400, 'USD'), lineTax: money(102, 'USD') },
      ],
      subtotal: money(3400, 'USD'),
      shipping: money(699, 'USD'),
      shippingTax: money(0, 'USD'),
      tax: money(247, 'USD'),
      total: money(4346, 'USD'),
      taxRate: { jurisdiction: 'US-CA', basisPoints: 725, shippingTaxable: false },
      shippingSource: 'estimate',
    });
  });

  it('charges a carrier quote instead of the estimate and taxes it where shipping is taxable (DE)', () => {
    const totals = computeTotals([line('A', 5000, 1, null, 'EUR')], { country: 'DE' }, 'express', money(2399, 'EUR'));
    assert.equal(totals.shippingSource, 'quote');
    assert.deepEqual(totals.shipping, money(2399, 'EUR'));
    assert.deepEqual(totals.lines[0]?.lineTax, money(950, 'EUR'));
    assert.deepEqual(totals.shippingTax, money(456, 'EUR')); // 455.81 -> 456
    assert.deepEqual(totals.tax, money(1406, 'EUR'));
    assert.deepEqual(totals.total, money(5000 + 1406 + 2399, 'EUR'));
  });

  it('weighs a line without a catalog weight at the default 500 g', () => {
    // 3 x 500 g = 1.5 kg: base plus one started kilogram
    const totals = computeTotals([line('A', 100, 3, null)], { country: 'US' }, 'express');
    assert.deepEqual(totals.shipping, money(1499 + 200, 'USD'));
  });

  it('agrees with the cart estimate for the same lines and destination', () => {
    const cart: Cart = {
      ...newCart('c'.repeat(22), null, '2026-01-01T00:00:00.000Z'),
      lines: [
        { ...line('A', 1299, 3, 800, 'GBP'), attributes: {}, addedAt: '2026-01-01T00:00:00.000Z' },
        { ...line('B', 4550, 1, null, 'GBP'), attributes: {}, addedAt: '2026-01-01T00:00:01.000Z' },
      ],
    };
    const estimate = priceCart(cart, { country: 'GB', speed: 'overnight' });
    const totals = computeTotals(cart.lines, { country: 'GB' }, 'overnight');
    assert.ok(estimate?.shipping);
    assert.deepEqual(totals.subtotal, estimate.subtotal);
    assert.deepEqual(totals.shipping, estimate.shipping.amount);
    assert.deepEqual(totals.tax, estimate.tax.amount);
    assert.deepEqual(totals.total, estimate.total);
  });

  it('always adds up exactly, for generated orders', () => {
    const random = prng(20261121);
    const destinations = [{ country: 'US', region: 'TN' }, { country: 'CA', region: 'BC' }, { country: 'FI' }, { country: 'GB' }, { country: 'JP' }];
    const currencies = ['USD', 'EUR', 'GBP'];
    for (let run = 0; run < 300; run += 1) {
      const currency = currencies[Math.floor(random() * currencies.length)]!;
      const destination = destinations[Math.floor(random() * destinations.length)]!;
      const speed = shippingSpeeds[Math.floor(random() * shippingSpeeds.length)]!;
      const count = 1 + Math.floor(random() * 6);
      const lines = Array.from({ length: count }, (_, i) =>
        line(`S${i}`, Math.floor(random() * 100_000), 1 + Math.floor(random() * 9), random() < 0.2 ? null : Math.floor(random() * 3000), currency),
      );
      const quote = random() < 0.5 ? money(Math.floor(random() * 5000), currency) : undefined;
      const totals = computeTotals(lines, destination, speed, quote);
      assertAddsUp(totals);
      const rate = taxRateFor(destination.country, destination.region);
      const expectedTax = estimateTax(
        lines.map((l) => money(l.unitPrice.amount * l.quantity, currency)),
        totals.shipping,
        rate,
        currency,
      ).amount;
      assert.deepEqual(totals.tax, expectedTax);
      assert.deepEqual(totals.shippingTax, rate.shippingTaxable ? applyRate(totals.shipping, rate.basisPoints) : money(0, currency));
      if (quote) assert.deepEqual(totals.shipping, quote);
    }
  });

  it('refuses orders it cannot price', () => {
    assert.throws(() => computeTotals([], { country: 'US' }, 'standard'), /at least one line/);
    assert.throws(() => computeTotals([line('A', 100, 1), line('B', 100, 1, 400, 'EUR')], { country: 'US' }, 'standard'), /one order, one currency/);
    assert.throws(() => computeTotals([line('A', 100, 1)], { country: 'US' }, 'standard', money(500, 'EUR')), /EUR shipping quote for a USD order/);
    assert.throws(() => computeTotals([line('A', 100, 1)], { country: 'US' }, 'standard', money(-1, 'USD')), /negative/);
    assert.throws(() => computeTotals([line('A', 100, 0)], { country: 'US' }, 'standard'), /positive integer/);
    assert.throws(() => computeTotals([line('A', 100, 1, 400, 'CAD')], { country: 'CA' }, 'standard'), /no CAD prices/);
  });

  it('prices a currency the rate card lacks when the carrier quoted it', () => {
    const totals = computeTotals([line('A', 10_000, 1, 400, 'CAD')], { country: 'CA', region: 'ON' }, 'standard', money(1500, 'CAD'));
    assert.deepEqual(totals.tax, money(1300 + 195, 'CAD'));
    assert.deepEqual(totals.total, money(10_000 + 1495 + 1500, 'CAD'));
  });
});
