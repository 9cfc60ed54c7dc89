import { log } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { receiveStock } from '../../db/receive-stock';
import { availableStock, findReservations, productIdsOf, releaseReservations, reserveStock } from '../../db/reservations';
import { allocateStock, type AllocationLine, type Parcel } from '../../domain/allocation';
import { businessFailure } from '../../domain/business-failure';
import type { RestockInput } from '../../domain/restock';
import { invalidateProducts } from '../../platform/product-cache';

export interface InventoryActivityDeps {
  db: Kysely<Database>;
  /** Product pages cache availability: a step that moves stock drops them itself. */
  redis: Redis;
}

export interface StockReceived {
  lines: { sku: string; quantity: number; onHandAfter: number }[];
  productIds: string[];
}

export interface StockReserved {
  parcels: Parcel[];
  /** Products whose availability changed: their cached pages are already dropped; search follows with the catch-up. */
  productIds: string[];
}

/** Another checkout can take stock between our read and our conditional write; then re-read. */
const RESERVE_ATTEMPTS = 5;

export function createInventoryActivities({ db, redis }: InventoryActivityDeps) {
  /** Cached pages hold availability. Redis being away must not fail a stock move: the cache TTL bounds the staleness. */
  const dropCachedPages = async (productIds: string[]): Promise<string[]> => {
    try {
      await invalidateProducts(redis, productIds);
    } catch (error) {
      log.warn('could not drop cached product pages', { productIds, error: String(error) });
    }
    return productIds;
  };

  return {
    /**
     * Allocates the lines over warehouses (one when possible, else the fewest parcels) and
     * reserves them with one conditional statement each, all or nothing. Not enough stock is a
     * non-retryable OutOfStock with the lines short. Idempotent per order.
     */
    async reserveStock({ orderId, lines, expiresAt }: { orderId: string; lines: AllocationLine[]; expiresAt: string }): Promise<StockReserved> {
      const held = await findReservations(db, orderId);
      // A retry after a lost answer: the stock is held; the cache drop may not have happened.
      if (held.length > 0) return { parcels: parcelsOf(held), productIds: await dropCachedPages(await productIdsOf(db, held)) };
      for (let attempt = 1; ; attempt += 1) {
        const stock = await availableStock(
          db,
          lines.map((line) => line.sku),
        );
        const allocation = allocateStock(
          lines,
          stock.map((s) => ({ sku: s.sku, warehouseId: s.warehouse_id, warehouseCode: s.warehouse_code, available: s.available })),
        );
        if (allocation.kind === 'short') throw businessFailure('OutOfStock', 'not enough stock', { lines: allocation.lines });
        const reservation = allocation.parcels.flatMap((parcel) => parcel.lines.map((line) => ({ ...line, warehouseId: parcel.warehouseId })));
        const result = await reserveStock(db, orderId, reservation, new Date(expiresAt));
        if (result.kind === 'reserved') return { parcels: allocation.parcels, productIds: await dropCachedPages(result.productIds) };
        log.info('stock moved under us; allocating again', { orderId, sku: result.sku, attempt });
        if (attempt === RESERVE_ATTEMPTS) throw new Error(`stock of ${result.sku} kept changing; retrying the activity`);
      }
    },

    /** The compensation of reserveStock: safe when nothing is held, and when run twice. */
    async releaseStock(orderId: string): Promise<{ productIds: string[]; released: number }> {
      const { released, productIds } = await releaseReservations(db, orderId);
      if (released.length > 0) log.info('reservations released', { orderId, lines: released.length });
      return { productIds: await dropCachedPages(productIds), released: released.length };
    },

    /** Idempotent: keyed by the receipt id, a retry after a lost response changes nothing. */
    async receiveStock(input: RestockInput): Promise<StockReceived> {
      const result = await receiveStock(db, input);
      switch (result.kind) {
        case 'unknown_warehouse':
          throw businessFailure('UnknownWarehouse', `no active warehouse ${result.warehouseCode}`, { warehouseCode: result.warehouseCode });
        case 'unknown_skus':
          throw businessFailure('UnknownSku', `unknown SKUs: ${result.skus.join(', ')}`, { skus: result.skus });
        case 'received':
          log.info(result.applied ? 'stock received' : 'receipt already applied', {
            receiptId: input.receiptId,
            lines: result.lines.length,
          });
          return { lines: result.lines, productIds: result.productIds };
      }
    },
  };
}

function parcelsOf(reservations: { sku: string; warehouse_id: string; warehouse_code: string; quantity: number }[]): Parcel[] {
  const parcels = new Map<string, Parcel>();
  for (const r of reservations) {
    const parcel = parcels.get(r.warehouse_id) ?? { warehouseId: r.warehouse_id, warehouseCode: r.warehouse_code, lines: [] };
    parcel.lines.push({ sku: r.sku, quantity: r.quantity });
    parcels.set(r.warehouse_id, parcel);
  }
  return [...parcels.values()];
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
