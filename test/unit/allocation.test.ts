import assert from 'node:assert/strict';
import { allocateStock, type Allocation, type AllocationLine, type Parcel, type WarehouseStock } from '../../domain/allocation';

const row = (warehouseCode: string, sku: string, available: number): WarehouseStock => ({
  warehouseCode,
  warehouseId: `id-${warehouseCode}`,
  sku,
  available,
});

const parcel = (warehouseCode: string, lines: [string, number][]): Parcel => ({
  warehouseId: `id-${warehouseCode}`,
  warehouseCode,
  lines: lines.map(([sku, quantity]) => ({ sku, quantity })),
});

function parcels(allocation: Allocation): Parcel[] {
  if (allocation.kind !== 'allocated') assert.fail(`short: ${JSON.stringify(allocation.lines)}`);
  return allocation.parcels;
}

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

describe('stock allocation', () => {
  const order: AllocationLine[] = [
    { sku: 'A', quantity: 2 },
    { sku: 'B', quantity: 1 },
  ];

  it('ships from the nearest warehouse that has everything', () => {
    const stock = [row('EU-WEST', 'A', 5), row('EU-WEST', 'B', 5), row('EU-CENTRAL', 'A', 2), row('EU-CENTRAL', 'B', 1), row('US-EAST', 'A', 9)];
    assert.deepEqual(parcels(allocateStock(order, stock, ['EU-CENTRAL', 'EU-WEST'])), [parcel('EU-CENTRAL', [['A', 2], ['B', 1]])]);
    assert.deepEqual(parcels(allocateStock(order, stock, ['US-EAST', 'EU-WEST', 'EU-CENTRAL'])), [parcel('EU-WEST', [['A', 2], ['B', 1]])]);
  });

  it('without a preference, picks by warehouse code', () => {
    const stock = [row('ZZ', 'A', 5), row('ZZ', 'B', 5), row('MM', 'A', 5), row('MM', 'B', 5)];
    assert.deepEqual(parcels(allocateStock(order, stock)), [parcel('MM', [['A', 2], ['B', 1]])]);
    // Listed warehouses come before unlisted ones, whatever their codes.
    assert.deepEqual(parcels(allocateStock(order, stock, ['ZZ'])), [parcel('ZZ', [['A', 2], ['B', 1]])]);
  });

  it('splits by whole SKUs, taking first the warehouse that ships the most of them', () => {
    const lines = ['A', 'B', 'C', 'D'].map((sku) => ({ sku, quantity: 1 }));
    const stock = [
      row('NEAR', 'A', 1),
      row('NEAR', 'B', 1),
      row('FAR', 'B', 1),
      row('FAR', 'C', 1),
      row('FAR', 'D', 1),
      row('MID', 'A', 1),
      row('MID', 'D', 1),
    ];
    // FAR ships three of four SKUs whole; A then goes to the nearer of NEAR and MID.
    assert.deepEqual(parcels(allocateStock(lines, stock, ['NEAR', 'MID', 'FAR'])), [
      parcel('NEAR', [['A', 1]]),
      parcel('FAR', [['B', 1], ['C', 1], ['D', 1]]),
    ]);
  });

  it('splits one SKU only when no warehouse has all of it, reusing parcels already going', () => {
    const lines = [
      { sku: 'A', quantity: 10 },
      { sku: 'B', quantity: 1 },
    ];
    const stock = [row('W1', 'A', 4), row('W2', 'A', 3), row('W3', 'A', 6), row('W2', 'B', 1)];
    // B goes whole from W2; A draws 3 from W2 (already shipping), then 6 from W3 (the most), then 1 from W1.
    assert.deepEqual(parcels(allocateStock(lines, stock, ['W1', 'W2', 'W3'])), [
      parcel('W1', [['A', 1]]),
      parcel('W2', [['A', 3], ['B', 1]]),
      parcel('W3', [['A', 6]]),
    ]);
  });

  it('splits over the fewest new warehouses: most available first, ties by preference', () => {
    const stock = [row('W1', 'A', 2), row('W2', 'A', 5), row('W3', 'A', 5), row('W4', 'A', 1)];
    assert.deepEqual(parcels(allocateStock([{ sku: 'A', quantity: 8 }], stock, ['W4', 'W3', 'W1', 'W2'])), [
      parcel('W3', [['A', 5]]),
      parcel('W2', [['A', 3]]),
    ]);
  });

  it('reports every SKU whose total availability falls short', () => {
    const lines = [
      { sku: 'A', quantity: 5 },
      { sku: 'B', quantity: 1 },
      { sku: 'C', quantity: 2 },
    ];
    const stock = [row('W1', 'A', 2), row('W2', 'A', 2), row('W1', 'B', 1), row('W1', 'X', 99)];
    assert.deepEqual(allocateStock(lines, stock), {
      kind: 'short',
      lines: [
        { sku: 'A', requested: 5, available: 4 },
        { sku: 'C', requested: 2, available: 0 },
      ],
    });
  });

  it('merges a SKU listed twice and ignores stock rows of other SKUs and empty warehouses', () => {
    const lines = [
      { sku: 'A', quantity: 1 },
      { sku: 'A', quantity: 2 },
    ];
    const stock = [row('W0', 'A', 0), row('W1', 'X', 50), row('W2', 'A', 3)];
    assert.deepEqual(parcels(allocateStock(lines, stock)), [parcel('W2', [['A', 3]])]);
  });

  it('refuses inputs that cannot be right', () => {
    assert.throws(() => allocateStock([], [row('W1', 'A', 1)]), /nothing to allocate/);
    assert.throws(() => allocateStock([{ sku: 'A', quantity: 0 }], [row('W1', 'A', 1)]), /positive integer/);
    assert.throws(() => allocateStock([{ sku: 'A', quantity: 1.5 }], [row('W1', 'A', 1)]), /positive integer/);
    assert.throws(() => allocateStock(order, [row('W1', 'A', -1)]), /non-negative integer/);
    assert.throws(() => allocateStock(order, [row('W1', 'A', 1), row('W1', 'A', 2)]), /A in W1 twice/);
    assert.throws(() => allocateStock(order, [row('W1', 'A', 1), { ...row('W1', 'B', 1), warehouseId: 'other' }]), /two ids/);
  });

  describe('properties over generated stock tables', () => {
    const warehouseCodes = ['W-A', 'W-B', 'W-C', 'W-D', 'W-E'];
    const skus = ['S1', 'S2', 'S3', 'S4', 'S5'];

    function generate(random: () => number) {
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const warehouses = warehouseCodes.slice(0, 1 + Math.floor(random() * warehouseCodes.length));
      const stock: WarehouseStock[] = [];
      for (const code of warehouses) for (const sku of skus) if (random() < 0.7) stock.push(row(code, sku, Math.floor(random() * 8)));
      const lines = skus.filter(() => random() < 0.6).map((sku) => ({ sku, quantity: 1 + Math.floor(random() * 6) }));
      if (lines.length === 0) lines.push({ sku: pick(skus), quantity: 1 });
      const preference = [...warehouses].sort(() => random() - 0.5).slice(0, Math.floor(random() * (warehouses.length + 1)));
      return { stock, lines, preference, warehouses };
    }

    const available = (stock: WarehouseStock[], code: string, sku: string): number =>
      stock.find((r) => r.warehouseCode === code && r.sku === sku)?.available ?? 0;

    it('allocates exactly what was requested, within availability, in one parcel whenever one warehouse can ship it all', () => {
      const random = prng(42);
      let single = 0;
      let split = 0;
      let short = 0;
      for (let run = 0; run < 2000; run += 1) {
        const { stock, lines, preference, warehouses } = generate(random);
        const result = allocateStock(lines, stock, preference);
        const totalOf = (sku: string): number => warehouses.reduce((s, code) => s + available(stock, code, sku), 0);

        if (result.kind === 'short') {
          short += 1;
          const shortSkus = result.lines.map((l) => l.sku);
          for (const line of lines) {
            assert.equal(shortSkus.includes(line.sku), totalOf(line.sku) < line.quantity, `run ${run} ${line.sku}`);
          }
          for (const l of result.lines) assert.equal(l.available, totalOf(l.sku));
          continue;
        }

        const { parcels: out } = result;
        for (const line of lines) {
          const allocated = out.flatMap((p) => p.lines.filter((l) => l.sku === line.sku)).reduce((s, l) => s + l.quantity, 0);
          assert.equal(allocated, line.quantity, `run ${run}: ${line.sku} allocated ${allocated} of ${line.quantity}`);
        }
        assert.equal(new Set(out.map((p) => p.warehouseCode)).size, out.length, `run ${run}: a warehouse appears twice`);
        for (const p of out) {
          assert.ok(p.lines.length > 0, `run ${run}: empty parcel`);
          for (const l of p.lines) {
            assert.ok(l.quantity > 0, `run ${run}: zero line`);
            assert.ok(l.quantity <= available(stock, p.warehouseCode, l.sku), `run ${run}: ${p.warehouseCode} over-allocated ${l.sku}`);
          }
        }

        const rank = (code: string): number => (preference.includes(code) ? preference.indexOf(code) : preference.length);
        const ranked = [...warehouses].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
        const canShipAll = ranked.filter((code) => lines.every((l) => available(stock, code, l.sku) >= l.quantity));
        if (canShipAll.length > 0) {
          single += 1;
          assert.equal(out.length, 1, `run ${run}: ${canShipAll[0]} could ship everything`);
          assert.equal(out[0]?.warehouseCode, canShipAll[0], `run ${run}: not the nearest complete warehouse`);
        } else {
          split += 1;
          assert.ok(out.length > 1, `run ${run}: one parcel although no warehouse has everything`);
        }
        for (const line of lines) {
          const sources = out.filter((p) => p.lines.some((l) => l.sku === line.sku));
          if (sources.length > 1) {
            assert.ok(
              warehouses.every((code) => available(stock, code, line.sku) < line.quantity),
              `run ${run}: ${line.sku} split although a warehouse has all of it`,
            );
          }
        }
        assert.deepEqual(
          out.map((p) => rank(p.warehouseCode)),
          out.map((p) => rank(p.warehouseCode)).sort((a, b) => a - b),
          `run ${run}: parcels not in warehouse order`,
        );
      }
      // The generator must exercise every outcome, or the properties above prove little.
      assert.ok(single > 100 && split > 100 && short > 100, `single ${single}, split ${split}, short ${short}`);
    });

    it('gives the same answer whatever the order of the stock rows', () => {
      const random = prng(7);
      for (let run = 0; run < 300; run += 1) {
        const { stock, lines, preference } = generate(random);
        const shuffled = [...stock].sort(() => random() - 0.5);
        assert.deepEqual(allocateStock(lines, shuffled, preference), allocateStock(lines, stock, preference), `run ${run}`);
      }
    });
  });
});
