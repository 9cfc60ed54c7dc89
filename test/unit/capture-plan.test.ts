import assert from 'node:assert/strict';
import { captureAtHandover, parcelShares, type CapturedOrder, type ParcelShare } from '../../domain/capture-plan';
import { money } from '../../domain/money';

const usd = (amount: number) => money(amount, 'USD');

/** Two lines, tax per line rounded on its own, taxable shipping: as computeTotals prices an order. */
const order: CapturedOrder = {
  currency: 'USD',
  lines: [
    { sku: 'A', quantity: 3, unitPrice: usd(1000), lineTotal: usd(3000), lineTax: usd(248) },
    { sku: 'B', quantity: 1, unitPrice: usd(2500), lineTotal: usd(2500), lineTax: usd(206) },
  ],
  shipping: usd(1000),
  shippingTax: usd(83),
  total: usd(3000 + 2500 + 248 + 206 + 1000 + 83),
};

describe('capture plan: parcel shares', () => {
  it('gives one parcel the whole order', () => {
    const [share] = parcelShares(order, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] }]);
    assert.deepEqual(share, { parcelId: 'p1', items: usd(5500), tax: usd(248 + 206 + 83), shipping: usd(1000), total: order.total });
  });

  it('splits items, their tax and shipping by largest remainder, and the shares add up to the total exactly', () => {
    const shares = parcelShares(order, [
      { parcelId: 'p1', lines: [{ sku: 'A', quantity: 1 }] },
      { parcelId: 'p2', lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 1 }] },
    ]);
    // A's tax 248 over 1:2 is 82.67 : 165.33 -> 83 : 165. Shipping over items 1000 : 4500 -> 181.8 : 818.2 -> 182 : 818;
    // shipping tax 83 -> 15.09 : 67.9 -> 15 : 68.
    assert.deepEqual(shares, [
      { parcelId: 'p1', items: usd(1000), tax: usd(83 + 15), shipping: usd(182), total: usd(1000 + 98 + 182) },
      { parcelId: 'p2', items: usd(4500), tax: usd(165 + 206 + 68), shipping: usd(818), total: usd(4500 + 439 + 818) },
    ]);
    assert.equal(shares[0]!.total.amount + shares[1]!.total.amount, order.total.amount);
  });

  it('gives the last minor unit of an even split to the earlier parcel, never losing or adding one', () => {
    const odd: CapturedOrder = {
      currency: 'USD',
      lines: [{ sku: 'A', quantity: 3, unitPrice: usd(100), lineTotal: usd(300), lineTax: usd(1) }],
      shipping: usd(1),
      shippingTax: usd(0),
      total: usd(302),
    };
    const shares = parcelShares(odd, ['p1', 'p2', 'p3'].map((parcelId) => ({ parcelId, lines: [{ sku: 'A', quantity: 1 }] })));
    assert.deepEqual(
      shares.map((s) => [s.tax.amount, s.shipping.amount, s.total.amount]),
      [[1, 1, 102], [0, 0, 100], [0, 0, 100]],
    );
  });

  it('splits shipping evenly between parcels of free items', () => {
    const free: CapturedOrder = {
      currency: 'EUR',
      lines: [{ sku: 'A', quantity: 2, unitPrice: money(0, 'EUR'), lineTotal: money(0, 'EUR'), lineTax: money(0, 'EUR') }],
      shipping: money(499, 'EUR'),
      shippingTax: money(0, 'EUR'),
      total: money(499, 'EUR'),
    };
    const shares = parcelShares(free, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 1 }] }, { parcelId: 'p2', lines: [{ sku: 'A', quantity: 1 }] }]);
    assert.deepEqual(shares.map((s) => s.total.amount), [250, 249]);
  });

  it('refuses parcels that do not carry exactly the order', () => {
    assert.throws(() => parcelShares(order, []), /at least one parcel/);
    assert.throws(() => parcelShares(order, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 3 }] }]), /carry 0 of B/);
    assert.throws(() => parcelShares(order, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 4 }, { sku: 'B', quantity: 1 }] }]), /carry 4 of A/);
    assert.throws(
      () => parcelShares(order, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }, { sku: 'C', quantity: 1 }] }]),
      /does not have/,
    );
    assert.throws(() => parcelShares(order, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 0 }, { sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] }]), /positive integer/);
    assert.throws(() => parcelShares({ ...order, total: usd(order.total.amount + 1) }, [{ parcelId: 'p1', lines: [{ sku: 'A', quantity: 3 }, { sku: 'B', quantity: 1 }] }]), /total/);
  });
});

describe('capture plan: what a handover captures', () => {
  const shares: ParcelShare[] = parcelShares(order, [
    { parcelId: 'p1', lines: [{ sku: 'A', quantity: 1 }] },
    { parcelId: 'p2', lines: [{ sku: 'A', quantity: 2 }] },
    { parcelId: 'p3', lines: [{ sku: 'B', quantity: 1 }] },
  ]);

  it('with multicapture, captures each share, and only the last handover (in any order) is final', () => {
    const second = captureAtHandover(shares, { parcelId: 'p2', handedOverBefore: [], multicapture: true });
    const third = captureAtHandover(shares, { parcelId: 'p3', handedOverBefore: ['p2'], multicapture: true });
    const first = captureAtHandover(shares, { parcelId: 'p1', handedOverBefore: ['p2', 'p3'], multicapture: true });
    assert.deepEqual(second, { action: 'capture', amount: shares[1]!.total, finalCapture: false });
    assert.deepEqual(third, { action: 'capture', amount: shares[2]!.total, finalCapture: false });
    assert.deepEqual(first, { action: 'capture', amount: shares[0]!.total, finalCapture: true });
    const captured = [first, second, third].reduce((n, c) => n + (c.action === 'capture' ? c.amount.amount : 0), 0);
    assert.equal(captured, order.total.amount);
  });

  it('without multicapture, the first handover captures the whole order and later ones nothing', () => {
    assert.deepEqual(captureAtHandover(shares, { parcelId: 'p3', handedOverBefore: [], multicapture: false }), { action: 'capture', amount: order.total, finalCapture: true });
    assert.deepEqual(captureAtHandover(shares, { parcelId: 'p1', handedOverBefore: ['p3'], multicapture: false }), { action: 'nothing' });
  });

  it('captures nothing once a final capture took the rest before the hold lapsed, with or without multicapture', () => {
    for (const multicapture of [true, false]) {
      assert.deepEqual(captureAtHandover(shares, { parcelId: 'p1', handedOverBefore: [], multicapture, finalCaptureTaken: true }), { action: 'nothing' });
      assert.deepEqual(captureAtHandover(shares, { parcelId: 'p3', handedOverBefore: ['p1', 'p2'], multicapture, finalCaptureTaken: true }), { action: 'nothing' });
    }
  });

  it('refuses an unknown parcel and a second handover of one parcel', () => {
    assert.throws(() => captureAtHandover(shares, { parcelId: 'p9', handedOverBefore: [], multicapture: true }), /no parcel p9/);
    assert.throws(() => captureAtHandover(shares, { parcelId: 'p1', handedOverBefore: ['p1'], multicapture: true }), /already/);
  });
});
