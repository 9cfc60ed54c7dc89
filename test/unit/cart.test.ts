import assert from 'node:assert/strict';
import {
  CorruptCart,
  MAX_CART_LINES,
  addLine,
  canAccess,
  cartCurrency,
  cartKeys,
  clearLines,
  decodeCart,
  defaultDestination,
  encodeCart,
  mergeCarts,
  newCart,
  priceCart,
  refreshLinePrices,
  removeLine,
  setLineQuantity,
  type Cart,
  type CartChange,
  type LineSnapshot,
} from '../../domain/cart';
import { money } from '../../domain/money';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const T2 = '2026-01-01T00:02:00.000Z';

const snapshot = (amount: number, currency = 'USD', weightGrams: number | null = 400): LineSnapshot => ({
  productId: 'p-1',
  productName: 'Oxford Shirt',
  attributes: { size: 'M', color: 'grey' },
  unitPrice: money(amount, currency),
  weightGrams,
});

function ok(change: CartChange): Cart {
  if (!change.ok) assert.fail(`refused: ${JSON.stringify(change.refusal)}`);
  return change.cart;
}

const add = (cart: Cart, sku: string, quantity: number, available = 1000, price = 2500, now = T1) =>
  addLine(cart, { sku, quantity, snapshot: snapshot(price), available }, now);

describe('cart rules', () => {
  const empty = newCart('cart-1', null, T0);

  describe('adding', () => {
    it('adds a new line with the catalog snapshot, and adds to an existing line keeping its first price', () => {
      const one = ok(add(empty, 'A', 2));
      assert.deepEqual(one.lines, [{ ...snapshot(2500), sku: 'A', quantity: 2, addedAt: T1 }]);
      assert.equal(one.updatedAt, T1);
      assert.equal(empty.lines.length, 0, 'the input cart is not changed');
      const again = ok(add(one, 'A', 3, 1000, 9900, T2));
      assert.equal(again.lines.length, 1);
      assert.equal(again.lines[0]!.quantity, 5);
      assert.deepEqual(again.lines[0]!.unitPrice, money(2500, 'USD'));
      assert.equal(again.lines[0]!.addedAt, T1);
      assert.equal(again.updatedAt, T2);
    });

    it('refuses more than is available, naming what was asked and what there is', () => {
      const cart = ok(add(empty, 'A', 4, 5));
      assert.deepEqual(add(cart, 'A', 2, 5), { ok: false, refusal: { reason: 'insufficient-stock', sku: 'A', requested: 6, available: 5, inCart: 4 } });
      assert.deepEqual(add(empty, 'B', 1, 0), { ok: false, refusal: { reason: 'insufficient-stock', sku: 'B', requested: 1, available: 0, inCart: 0 } });
      ok(add(cart, 'A', 1, 5));
    });

    it(`refuses a line above 99 units and a cart above ${MAX_CART_LINES} lines`, () => {
      const full = ok(add(empty, 'A', 99));
      assert.deepEqual(add(full, 'A', 1), { ok: false, refusal: { reason: 'line-quantity', sku: 'A', requested: 100, max: 99 } });
      let cart = empty;
      for (let i = 0; i < MAX_CART_LINES; i++) cart = ok(add(cart, `S-${i}`, 1));
      assert.deepEqual(add(cart, 'ONE-MORE', 1), { ok: false, refusal: { reason: 'line-count', sku: 'ONE-MORE', max: 50 } });
      assert.equal(ok(add(cart, 'S-7', 1)).lines.length, MAX_CART_LINES, 'an existing line may still grow');
    });

    it('keeps one currency per cart', () => {
      const usd = ok(add(empty, 'A', 1));
      const euro = addLine(usd, { sku: 'B', quantity: 1, snapshot: snapshot(100, 'EUR'), available: 10 }, T1);
      assert.deepEqual(euro, { ok: false, refusal: { reason: 'currency', sku: 'B', cartCurrency: 'USD', lineCurrency: 'EUR' } });
      assert.equal(cartCurrency(usd), 'USD');
      assert.equal(cartCurrency(empty), null);
    });

    it('refuses a zero or fractional quantity as a programming error', () => {
      assert.throws(() => add(empty, 'A', 0), RangeError);
      assert.throws(() => add(empty, 'A', 1.5), RangeError);
    });
  });

  describe('setting, removing, clearing', () => {
    const cart = ok(add(ok(add(empty, 'A', 2)), 'B', 1));

    it('sets a quantity within stock and bounds; 0 removes the line', () => {
      assert.equal(ok(setLineQuantity(cart, 'A', 7, 7, T2)).lines.find((l) => l.sku === 'A')?.quantity, 7);
      assert.deepEqual(
        ok(setLineQuantity(cart, 'A', 0, 0, T2)).lines.map((l) => l.sku),
        ['B'],
      );
      assert.deepEqual(setLineQuantity(cart, 'A', 8, 7, T2), {
        ok: false,
        refusal: { reason: 'insufficient-stock', sku: 'A', requested: 8, available: 7, inCart: 2 },
      });
      assert.deepEqual(setLineQuantity(cart, 'A', 100, 1000, T2), { ok: false, refusal: { reason: 'line-quantity', sku: 'A', requested: 100, max: 99 } });
      assert.deepEqual(setLineQuantity(cart, 'Z', 1, 10, T2), { ok: false, refusal: { reason: 'no-line', sku: 'Z' } });
    });

    it('removes a line or refuses an unknown one, and clears every line', () => {
      assert.deepEqual(
        ok(removeLine(cart, 'B', T2)).lines.map((l) => l.sku),
        ['A'],
      );
      assert.deepEqual(removeLine(cart, 'Z', T2), { ok: false, refusal: { reason: 'no-line', sku: 'Z' } });
      const cleared = clearLines(cart, T2);
      assert.deepEqual(cleared.lines, []);
      assert.equal(cleared.id, cart.id);
      assert.equal(cleared.updatedAt, T2);
    });
  });

  describe('merging an anonymous cart into a customer cart', () => {
    const customer = newCart('customer-cart', 'cust-1', T0);

    it("adds quantities, keeps the customer's price for a shared SKU and the anonymous price for a new one", () => {
      const target = ok(add(customer, 'A', 1, 100, 2000, T0));
      let source = ok(add(newCart('anon', null, T0), 'A', 2, 100, 2600, T1));
      source = ok(add(source, 'B', 3, 100, 1500, T1));
      const { cart, lines } = mergeCarts(
        target,
        source,
        new Map([
          ['A', 100],
          ['B', 100],
        ]),
        T2,
      );
      assert.equal(cart.id, 'customer-cart');
      assert.equal(cart.customerId, 'cust-1');
      assert.deepEqual(
        cart.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount]),
        [
          ['A', 3, 2000],
          ['B', 3, 1500],
        ],
      );
      assert.deepEqual(lines, [
        { sku: 'A', requested: 2, added: 2, quantity: 3, limitedBy: null },
        { sku: 'B', requested: 3, added: 3, quantity: 3, limitedBy: null },
      ]);
      assert.equal(cart.updatedAt, T2);
    });

    it('caps by stock and by the line bound, never lowering what the customer already had', () => {
      const target = ok(add(ok(add(customer, 'A', 98, 1000)), 'C', 5, 1000));
      let source = newCart('anon', null, T0);
      for (const [sku, quantity] of [['A', 5], ['B', 4], ['C', 2], ['D', 1]] as const) source = ok(add(source, sku, quantity));
      const available = new Map([
        ['A', 1000],
        ['B', 3],
        ['C', 2],
      ]);
      const { cart, lines } = mergeCarts(target, source, available, T2);
      assert.deepEqual(lines, [
        { sku: 'A', requested: 5, added: 1, quantity: 99, limitedBy: 'line-quantity' },
        { sku: 'B', requested: 4, added: 3, quantity: 3, limitedBy: 'stock' },
        { sku: 'C', requested: 2, added: 0, quantity: 5, limitedBy: 'stock' },
        { sku: 'D', requested: 1, added: 0, quantity: 0, limitedBy: 'stock' },
      ]);
      assert.deepEqual(
        cart.lines.map((l) => [l.sku, l.quantity]),
        [
          ['A', 99],
          ['B', 3],
          ['C', 5],
        ],
      );
    });

    it('reports lines that do not fit the line count or the currency', () => {
      let target = customer;
      for (let i = 0; i < MAX_CART_LINES; i++) target = ok(add(target, `S-${i}`, 1));
      const source = ok(add(newCart('anon', null, T0), 'NEW', 1));
      assert.deepEqual(mergeCarts(target, source, new Map([['NEW', 5]]), T2).lines, [
        { sku: 'NEW', requested: 1, added: 0, quantity: 0, limitedBy: 'line-count' },
      ]);
      const euros = ok(addLine(newCart('anon', null, T0), { sku: 'E', quantity: 1, snapshot: snapshot(100, 'EUR'), available: 5 }, T1));
      const merged = mergeCarts(ok(add(customer, 'A', 1)), euros, new Map([['E', 5]]), T2);
      assert.deepEqual(merged.lines, [{ sku: 'E', requested: 1, added: 0, quantity: 0, limitedBy: 'currency' }]);
      assert.equal(merged.cart.lines.length, 1);
    });
  });

  describe('access', () => {
    it('lets anyone reach an anonymous cart and only its owner reach a customer cart', () => {
      assert.equal(canAccess({ customerId: null }, undefined), true);
      assert.equal(canAccess({ customerId: null }, 'cust-1'), true);
      assert.equal(canAccess({ customerId: 'cust-1' }, 'cust-1'), true);
      assert.equal(canAccess({ customerId: 'cust-1' }, 'cust-2'), false);
      assert.equal(canAccess({ customerId: 'cust-1' }, undefined), false);
    });
  });

  describe('stored shape', () => {
    const cart = ok(add(ok(add(newCart('abc', 'cust-1', T0), 'B', 2, 10, 1999, T2)), 'A', 1, 10, 9_007_199_254_740, T1));

    it('is one hash: version, timestamps, owner and one JSON field per line', () => {
      assert.equal(cartKeys.cart('abc'), 'cart:v1:abc');
      assert.equal(cartKeys.owner('cust-1'), 'cart-owner:v1:cust-1');
      assert.equal(cartKeys.merged('abc'), 'cart-merged:v1:abc');
      const fields = encodeCart(cart);
      assert.deepEqual(Object.keys(fields).sort(), ['created_at', 'customer', 'line:A', 'line:B', 'updated_at', 'v']);
      assert.equal(fields.v, '1');
      assert.equal(fields.customer, 'cust-1');
      assert.deepEqual(JSON.parse(fields['line:A']!), {
        sku: 'A',
        quantity: 1,
        unitPrice: { amount: 9_007_199_254_740, currency: 'USD' },
        productId: 'p-1',
        productName: 'Oxford Shirt',
        attributes: { size: 'M', color: 'grey' },
        weightGrams: 400,
        addedAt: T1,
      });
      assert.equal('customer' in encodeCart(newCart('x', null, T0)), false);
    });

    it('decodes what it encodes, lines in the order they were added, ignoring rev and unknown fields', () => {
      const decoded = decodeCart('abc', { ...encodeCart(cart), rev: '7', 'future-field': 'x' });
      assert.deepEqual(decoded, { ...cart, lines: [cart.lines[1], cart.lines[0]] });
      assert.deepEqual(
        decoded.lines.map((l) => l.sku),
        ['A', 'B'],
      );
    });

    it('refuses another version, broken JSON, a mismatched SKU, a fractional amount or mixed currencies', () => {
      const fields = encodeCart(cart);
      const line = JSON.parse(fields['line:A']!);
      const broken: Record<string, string>[] = [
        { ...fields, v: '2' },
        { ...fields, 'line:A': '{' },
        { ...fields, 'line:A': JSON.stringify({ ...line, sku: 'Z' }) },
        { ...fields, 'line:A': JSON.stringify({ ...line, unitPrice: { amount: 1.5, currency: 'USD' } }) },
        { ...fields, 'line:A': JSON.stringify({ ...line, quantity: 0 }) },
        { ...fields, 'line:A': JSON.stringify({ ...line, unitPrice: { amount: 1, currency: 'EUR' } }) },
      ];
      for (const hash of broken) assert.throws(() => decodeCart('abc', hash), CorruptCart, JSON.stringify(hash));
    });
  });

  describe('totals', () => {
    it('is null for an empty cart', () => {
      assert.equal(priceCart(empty, defaultDestination(null)), null);
    });

    it('adds line totals, per-line tax and the shipping estimate, in integer minor units', () => {
      let cart = ok(addLine(empty, { sku: 'A', quantity: 2, snapshot: snapshot(2500, 'USD', null), available: 10 }, T1));
      cart = ok(addLine(cart, { sku: 'B', quantity: 1, snapshot: snapshot(1999, 'USD', 300), available: 10 }, T1));
      const totals = priceCart(cart, { country: 'US', region: 'CA', speed: 'express' });
      // 2 x 500 g default + 300 g = 1300 g: one extra kilogram
      assert.equal(totals?.weightGrams, 1300);
      assert.equal(totals?.units, 3);
      assert.deepEqual(totals?.subtotal, money(6999, 'USD'));
      // 7.25%: 50.00 -> 3.625 -> 3.62; 19.99 -> 1.449275 -> 1.45
      assert.deepEqual(totals?.tax, { jurisdiction: 'US-CA', basisPoints: 725, shippingTaxable: false, amount: money(507, 'USD') });
      assert.deepEqual(totals?.shipping, { amount: money(1499 + 200, 'USD'), speed: 'express', zone: 'US', days: { min: 1, max: 2 } });
      assert.deepEqual(totals?.total, money(6999 + 507 + 1699, 'USD'));
    });

    it('leaves shipping out of the total when the rate card has no prices in the currency', () => {
      const cart = ok(addLine(empty, { sku: 'A', quantity: 1, snapshot: snapshot(1000, 'CHF'), available: 10 }, T1));
      const totals = priceCart(cart, { country: 'CH', speed: 'standard' });
      assert.equal(totals?.shipping, null);
      assert.deepEqual(totals?.total, money(1000, 'CHF'));
    });

    it("defaults the destination to the currency's home market at standard speed", () => {
      assert.deepEqual(defaultDestination('USD'), { country: 'US', speed: 'standard' });
      assert.deepEqual(defaultDestination('EUR'), { country: 'DE', speed: 'standard' });
      assert.deepEqual(defaultDestination('GBP'), { country: 'GB', speed: 'standard' });
      assert.deepEqual(defaultDestination('JPY'), { country: 'US', speed: 'standard' });
      assert.deepEqual(defaultDestination(null), { country: 'US', speed: 'standard' });
    });
  });

  describe('refreshLinePrices', () => {
    const cart = ok(add(ok(add(ok(add(empty, 'UP', 2, 10, 1000)), 'DOWN', 1, 10, 3000)), 'SAME', 3, 10, 500));
    const prices = new Map([
      ['UP', { unitPrice: money(1100, 'USD'), active: true }],
      ['DOWN', { unitPrice: money(2999, 'USD'), active: true }],
      ['SAME', { unitPrice: money(500, 'USD'), active: true }],
    ]);

    it('takes current prices up and down, keeping quantities and order, and lists what changed', () => {
      const refreshed = refreshLinePrices(cart, prices, T2);
      assert.deepEqual(refreshed.changes, [
        { sku: 'UP', was: money(1000, 'USD'), now: money(1100, 'USD') },
        { sku: 'DOWN', was: money(3000, 'USD'), now: money(2999, 'USD') },
      ]);
      assert.deepEqual(refreshed.cart.lines.map((l) => [l.sku, l.quantity, l.unitPrice.amount]), [['UP', 2, 1100], ['DOWN', 1, 2999], ['SAME', 3, 500]]);
      assert.equal(refreshed.cart.updatedAt, T2);
      assert.deepEqual(refreshLinePrices(refreshed.cart, prices, T2).changes, []);
    });

    it('leaves lines no longer for sale as they are and names them', () => {
      const current = new Map(prices);
      current.set('UP', { unitPrice: money(1100, 'USD'), active: false });
      current.set('DOWN', { unitPrice: money(2999, 'EUR'), active: true });
      current.delete('SAME');
      const refreshed = refreshLinePrices(cart, current, T2);
      assert.deepEqual(refreshed.unavailable, ['UP', 'DOWN', 'SAME']);
      assert.deepEqual(refreshed.changes, []);
      assert.equal(refreshed.cart, cart, 'nothing changed, so the same cart');
    });
  });
});
