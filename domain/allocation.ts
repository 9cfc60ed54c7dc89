import type { StockShortage } from './checkout';

/**
 * Which warehouses ship which units of an order. Fewer parcels is cheaper and what the
 * customer prefers, so:
 *   1. one warehouse when any can ship everything: the first such in warehouse order;
 *   2. otherwise whole SKUs are given to warehouses greedily (set cover): each round takes the
 *      warehouse that can ship the most remaining SKUs whole;
 *   3. a SKU no single warehouse holds enough of is split: first over warehouses already
 *      shipping a parcel (in warehouse order), then over new ones, most available first.
 *
 * Warehouse order, the tie-break everywhere: the position of the warehouse code in
 * `preference` (nearest first), then warehouses not listed, by code. The order of the stock rows
 * never matters, so the same inputs always give the same parcels.
 */

export interface AllocationLine {
  sku: string;
  quantity: number;
}

export interface WarehouseStock {
  warehouseCode: string;
  warehouseId: string;
  sku: string;
  /** Sellable now: on hand minus reserved. */
  available: number;
}

export interface Parcel {
  warehouseId: string;
  warehouseCode: string;
  /** In the order of the requested lines. */
  lines: AllocationLine[];
}

export type Allocation =
  /** Parcels in warehouse order. */
  | { kind: 'allocated'; parcels: Parcel[] }
  /** Every SKU whose total availability is below the request, in line order. */
  | { kind: 'short'; lines: StockShortage[] };

interface Warehouse {
  id: string;
  code: string;
  available: Map<string, number>;
}

const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** Same SKU twice is one line; first-seen order. */
function mergeLines(lines: readonly AllocationLine[]): Map<string, number> {
  const merged = new Map<string, number>();
  for (const { sku, quantity } of lines) {
    if (!isCount(quantity) || quantity === 0) throw new RangeError(`quantity of ${sku} must be a positive integer, got ${quantity}`);
    merged.set(sku, (merged.get(sku) ?? 0) + quantity);
  }
  if (merged.size === 0) throw new RangeError('nothing to allocate');
  return merged;
}

function rankedWarehouses(stock: readonly WarehouseStock[], preference: readonly string[]): Warehouse[] {
  const byCode = new Map<string, Warehouse>();
  for (const row of stock) {
    if (!isCount(row.available)) {
      throw new RangeError(`available ${row.sku} in ${row.warehouseCode} must be a non-negative integer, got ${row.available}`);
    }
    let warehouse = byCode.get(row.warehouseCode);
    if (!warehouse) {
      warehouse = { id: row.warehouseId, code: row.warehouseCode, available: new Map() };
      byCode.set(row.warehouseCode, warehouse);
    }
    if (warehouse.id !== row.warehouseId) throw new RangeError(`warehouse ${row.warehouseCode} has two ids`);
    if (warehouse.available.has(row.sku)) throw new RangeError(`stock lists ${row.sku} in ${row.warehouseCode} twice`);
    warehouse.available.set(row.sku, row.available);
  }
  const rank = (code: string): number => {
    const index = preference.indexOf(code);
    return index < 0 ? preference.length : index;
  };
  return [...byCode.values()].sort((a, b) => rank(a.code) - rank(b.code) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

const availableIn = (warehouse: Warehouse, sku: string): number => warehouse.available.get(sku) ?? 0;

export function allocateStock(lines: readonly AllocationLine[], stock: readonly WarehouseStock[], preference: readonly string[] = []): Allocation {
  const requested = mergeLines(lines);
  const warehouses = rankedWarehouses(stock, preference);

  const short: StockShortage[] = [];
  for (const [sku, quantity] of requested) {
    const available = warehouses.reduce((total, warehouse) => total + availableIn(warehouse, sku), 0);
    if (available < quantity) short.push({ sku, requested: quantity, available });
  }
  if (short.length > 0) return { kind: 'short', lines: short };

  // warehouse code -> sku -> quantity it ships
  const shipped = new Map<string, Map<string, number>>();
  const assign = (warehouse: Warehouse, sku: string, quantity: number): void => {
    const lines = shipped.get(warehouse.code) ?? new Map<string, number>();
    lines.set(sku, quantity);
    shipped.set(warehouse.code, lines);
  };
  const holdsWhole = (warehouse: Warehouse, sku: string): boolean => availableIn(warehouse, sku) >= (requested.get(sku) ?? 0);

  // Rule 2. Its first round alone is rule 1: a warehouse holding every SKU wins it, and among
  // several the earliest in warehouse order does.
  const remaining = new Set(requested.keys());
  for (;;) {
    let best: { warehouse: Warehouse; skus: string[] } | undefined;
    for (const warehouse of warehouses) {
      if (shipped.has(warehouse.code)) continue;
      const skus = [...remaining].filter((sku) => holdsWhole(warehouse, sku));
      if (skus.length > (best?.skus.length ?? 0)) best = { warehouse, skus };
    }
    if (!best) break;
    for (const sku of best.skus) {
      assign(best.warehouse, sku, requested.get(sku) ?? 0);
      remaining.delete(sku);
    }
  }

  // Rule 3: what is left is held whole by no warehouse.
  for (const sku of remaining) {
    let need = requested.get(sku) ?? 0;
    const take = (warehouse: Warehouse): void => {
      const quantity = Math.min(need, availableIn(warehouse, sku));
      if (quantity === 0) return;
      assign(warehouse, sku, quantity);
      need -= quantity;
    };
    for (const warehouse of warehouses) if (need > 0 && shipped.has(warehouse.code)) take(warehouse);
    const unused = warehouses.filter((warehouse) => !shipped.has(warehouse.code));
    // Stable sort: equal availability keeps warehouse order.
    for (const warehouse of unused.sort((a, b) => availableIn(b, sku) - availableIn(a, sku))) if (need > 0) take(warehouse);
  }

  const order = [...requested.keys()];
  const parcels = warehouses
    .filter((warehouse) => shipped.has(warehouse.code))
    .map((warehouse) => {
      const lines = shipped.get(warehouse.code) ?? new Map<string, number>();
      return {
        warehouseId: warehouse.id,
        warehouseCode: warehouse.code,
        lines: order.filter((sku) => lines.has(sku)).map((sku) => ({ sku, quantity: lines.get(sku) ?? 0 })),
      };
    });
  return { kind: 'allocated', parcels };
}
