import assert from 'node:assert/strict';
import type { CheckoutLine } from '../../domain/checkout';
import { money } from '../../domain/money';
import { repriceLines, type CurrentPrice } from '../../domain/pricing';

const line = (sku: string, amount: number, quantity = 1, currency = 'USD'): CheckoutLine => ({
  sku,
  productId: `p-${sku}`,
  productName: `Product ${sku}`,
  quantity,
  unitPrice: money(amount, currency),
  weightGrams: 250,
});

const price = (sku: string, amount: number, active = true, currency = 'USD'): CurrentPrice => ({ sku, unitPrice: money(amount, currency), active });

describe('repricing a checkout against the catalog', () => {
  it('keeps the lines when every price is what the shopper saw', () => {
    const snapshot = [line('A', 1999, 2), line('B', 500)];
    const result = repriceLines(snapshot, [price('B', 500), price('A', 1999), price('UNRELATED', 1)]);
    assert.deepEqual(result, { kind: 'unchanged', lines: snapshot });
  });

  it('lists every changed line, up or down, and carries the current prices', () => {
    const snapshot = [line('A', 1999, 2), line('B', 500), line('C', 750, 3)];
    const result = repriceLines(snapshot, [price('A', 2199), price('B', 500), price('C', 700)]);
    assert.deepEqual(result, {
      kind: 'price-changed',
      changes: [
        { sku: 'A', was: money(1999, 'USD'), now: money(2199, 'USD') },
        { sku: 'C', was: money(750, 'USD'), now: money(700, 'USD') },
      ],
      lines: [line('A', 2199, 2), line('B', 500), line('C', 700, 3)],
    });
  });

  it('reports unknown, inactive and re-currencied SKUs as unavailable, which wins over price changes', () => {
    const snapshot = [line('GONE', 100, 2), line('OFF', 200), line('EUR', 300, 4), line('UP', 400), line('OK', 500)];
    const result = repriceLines(snapshot, [price('OFF', 200, false), price('EUR', 300, true, 'EUR'), price('UP', 450), price('OK', 500)]);
    assert.deepEqual(result, {
      kind: 'unavailable',
      unavailable: [
        { sku: 'GONE', requested: 2, available: 0, reason: 'unknown' },
        { sku: 'OFF', requested: 1, available: 0, reason: 'inactive' },
        { sku: 'EUR', requested: 4, available: 0, reason: 'currency-changed' },
      ],
    });
  });

  it('treats an inactive SKU as unavailable even at an unchanged price', () => {
    const result = repriceLines([line('A', 100)], [price('A', 100, false)]);
    assert.equal(result.kind, 'unavailable');
  });

  it('does not change its inputs', () => {
    const snapshot = [line('A', 100)];
    const current = [price('A', 150)];
    repriceLines(snapshot, current);
    assert.deepEqual(snapshot, [line('A', 100)]);
    assert.deepEqual(current, [price('A', 150)]);
  });

  it('refuses a SKU listed twice', () => {
    assert.throws(() => repriceLines([line('A', 100), line('A', 100)], [price('A', 100)]), /snapshot lists A twice/);
    assert.throws(() => repriceLines([line('A', 100)], [price('A', 100), price('A', 120)]), /current prices list A twice/);
  });
});
