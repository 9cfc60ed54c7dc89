import assert from 'node:assert/strict';
import type { CapturedOrder } from '../../domain/capture-plan';
import { money } from '../../domain/money';
import { afterRefund, nothingRefunded, refundable, refundForLines, unitsLeftToRefund, withoutRefund, type RefundedSoFar } from '../../domain/refund-plan';

const usd = (amount: number) => money(amount, 'USD');

/** Three lines with odd tax (each rounded on its own) and taxable shipping. */
const order: CapturedOrder = {
  currency: 'USD',
  lines: [
    { sku: 'A', quantity: 3, unitPrice: usd(333), lineTotal: usd(999), lineTax: usd(83) },
    { sku: 'B', quantity: 7, unitPrice: usd(101), lineTotal: usd(707), lineTax: usd(59) },
    { sku: 'C', quantity: 1, unitPrice: usd(1), lineTotal: usd(1), lineTax: usd(1) },
  ],
  shipping: usd(995),
  shippingTax: usd(83),
  total: usd(999 + 83 + 707 + 59 + 1 + 1 + 995 + 83),
};

describe('refund plan', () => {
  it('refunds one unit as its price and its largest-remainder share of the line tax', () => {
    // A's tax 83 over 3 units: 27.67 each -> 28, 28, 27 (the earlier units take the remainders).
    const first = refundForLines(order, [{ sku: 'A', quantity: 1 }], 'customer-request', nothingRefunded('USD'));
    assert.deepEqual(first, { items: usd(333), tax: usd(28), shipping: usd(0), total: usd(361) });
    const third = refundForLines(order, [{ sku: 'A', quantity: 1 }], 'customer-request', { lines: [{ sku: 'A', quantity: 2 }], shipping: usd(0) });
    assert.deepEqual(third.tax, usd(27));
  });

  it('rounds at one minor unit: a one-unit line with one unit of tax refunds exactly 2', () => {
    const c = refundForLines(order, [{ sku: 'C', quantity: 1 }], 'goodwill', nothingRefunded('USD'));
    assert.deepEqual(c, { items: usd(1), tax: usd(1), shipping: usd(0), total: usd(2) });
  });

  it('never loses or adds a unit when 1 minor unit of tax is split over 7 units', () => {
    const oneCent: CapturedOrder = { ...order, lines: [{ sku: 'B', quantity: 7, unitPrice: usd(101), lineTotal: usd(707), lineTax: usd(1) }], shipping: usd(0), shippingTax: usd(0), total: usd(708) };
    let before: RefundedSoFar = nothingRefunded('USD');
    const taxes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const r = refundForLines(oneCent, [{ sku: 'B', quantity: 1 }], 'other', before);
      taxes.push(r.tax.amount);
      before = afterRefund(before, [{ sku: 'B', quantity: 1 }], r.shipping);
    }
    assert.deepEqual(taxes, [1, 0, 0, 0, 0, 0, 0]);
  });

  it('3-line order with odd tax: all lines refunded at once sum to the order total', () => {
    const all = refundForLines(order, order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), 'customer-request', nothingRefunded('USD'));
    assert.equal(all.total.amount, order.total.amount);
    assert.deepEqual(all.shipping, usd(995 + 83));
  });

  it('3-line order with odd tax: all lines refunded one unit at a time sum to the order total, shipping with the last', () => {
    let before: RefundedSoFar = nothingRefunded('USD');
    let total = 0;
    const shippings: number[] = [];
    for (const line of order.lines) {
      for (let i = 0; i < line.quantity; i++) {
        const r = refundForLines(order, [{ sku: line.sku, quantity: 1 }], 'customer-request', before);
        total += r.total.amount;
        shippings.push(r.shipping.amount);
        before = afterRefund(before, [{ sku: line.sku, quantity: 1 }], r.shipping);
      }
    }
    assert.equal(total, order.total.amount);
    assert.deepEqual(shippings, [...Array.from({ length: 10 }, () => 0), 1078]);
  });

  it('refunds the damaged units their share of shipping, and the rest of it with the last refund', () => {
    const damaged = refundForLines(order, [{ sku: 'A', quantity: 3 }], 'damaged', nothingRefunded('USD'));
    // 1078 of shipping over unit prices 333 x3, 101 x7, 1 (sum 1707): an A unit is 210.29, a B unit 63.78, C 0.63.
    // The floors give 1071; the 7 units left go to the largest remainders, B's seven units. So A keeps 3 x 210.
    assert.deepEqual(damaged.shipping, usd(630));
    const before = afterRefund(nothingRefunded('USD'), [{ sku: 'A', quantity: 3 }], damaged.shipping);
    const rest = refundForLines(order, [{ sku: 'B', quantity: 7 }, { sku: 'C', quantity: 1 }], 'customer-request', before);
    assert.equal(damaged.total.amount + rest.total.amount, order.total.amount);
  });

  it('refuses more units than are left, lines the order lacks and bad quantities', () => {
    const before = { lines: [{ sku: 'A', quantity: 2 }], shipping: usd(0) };
    assert.throws(() => refundForLines(order, [{ sku: 'A', quantity: 2 }], 'other', before), /1 of 3 left/);
    assert.throws(() => refundForLines(order, [{ sku: 'Z', quantity: 1 }], 'other', before), /no Z/);
    assert.throws(() => refundForLines(order, [{ sku: 'B', quantity: 0 }], 'other', before), /positive integer/);
    assert.throws(() => refundForLines(order, [], 'other', before), /at least one line/);
  });

  it('leaves out of a returned parcel the units refunded before, and nothing of a line refunded whole', () => {
    const before = { lines: [{ sku: 'A', quantity: 2 }, { sku: 'C', quantity: 1 }], shipping: usd(0) };
    assert.deepEqual(unitsLeftToRefund(order, [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 3 }, { sku: 'C', quantity: 1 }], before), [
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 3 },
    ]);
    assert.deepEqual(unitsLeftToRefund(order, [{ sku: 'C', quantity: 1 }], before), []);
  });

  it('gives back what a failed refund took', () => {
    const taken = afterRefund(nothingRefunded('USD'), [{ sku: 'A', quantity: 2 }], usd(10));
    assert.deepEqual(withoutRefund(taken, [{ sku: 'A', quantity: 2 }], usd(10)), nothingRefunded('USD'));
  });

  it('computes the refundable amount as captured less refunded less in flight, never below zero', () => {
    assert.deepEqual(refundable(usd(1000), usd(300), usd(200)), usd(500));
    assert.deepEqual(refundable(usd(1000), usd(800), usd(300)), usd(0));
  });
});
