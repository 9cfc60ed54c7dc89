import assert from 'node:assert/strict';
import { describeRestock, mergeReceiptLines, totalUnits } from '../../domain/restock';

describe('restock rules', () => {
  it('merges repeated SKUs into one line, keeping first-seen order', () => {
    assert.deepEqual(
      mergeReceiptLines([
        { sku: 'B', quantity: 2 },
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 3 },
      ]),
      [
        { sku: 'B', quantity: 5 },
        { sku: 'A', quantity: 1 },
      ],
    );
  });

  it('refuses zero, negative and fractional quantities', () => {
    assert.throws(() => mergeReceiptLines([{ sku: 'A', quantity: 0 }]), RangeError);
    assert.throws(() => mergeReceiptLines([{ sku: 'A', quantity: -1 }]), RangeError);
    assert.throws(() => mergeReceiptLines([{ sku: 'A', quantity: 1.5 }]), RangeError);
  });

  it('summarises a receipt in one line for the Temporal UI', () => {
    const lines = [
      { sku: 'A', quantity: 4 },
      { sku: 'B', quantity: 6 },
    ];
    assert.equal(totalUnits(lines), 10);
    assert.equal(describeRestock({ receiptId: 'ASN-1', warehouseCode: 'EU-1', lines }), 'Receipt ASN-1: 10 units of 2 SKUs into EU-1');
  });
});
