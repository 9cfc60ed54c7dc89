import { log } from '@temporalio/activity';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { availableStock, findReservations, productIdsOf, reserveStock as reserveAllocated } from '../../db/reservations';
import { allocateStock, type AllocationLine, type Parcel } from '../../domain/allocation';
import { businessFailure } from '../../domain/business-failure';
import { dropCachedProductPages } from './cached-product-pages';

export interface ReserveStockInput {
  orderId: string;
  lines: AllocationLine[];
  expiresAt: string;
}

export interface StockReserved {
  parcels: Parcel[];
  /** Products whose availability changed: their cached pages are already dropped; search follows with the catch-up. */
  productIds: string[];
}

/** Another checkout can take stock between our read and our conditional write; then re-read. */
const RESERVE_ATTEMPTS = 5;

/**
 * Allocates the lines over warehouses (one when possible, else the fewest parcels) and
 * reserves them with one conditional statement each, all or nothing. Not enough stock is a
 * non-retryable OutOfStock with the lines short. Idempotent per order.
 */
export async function reserveStock({ db, redis }: { db: Kysely<Database>; redis: Redis }, { orderId, lines, expiresAt }: ReserveStockInput): Promise<StockReserved> {
  const held = await findReservations(db, orderId);
  // A retry after a lost answer: the stock is held; the cache drop may not have happened.
  if (held.length > 0) return { parcels: parcelsOf(held), productIds: await dropCachedProductPages(redis, await productIdsOf(db, held)) };
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
    const result = await reserveAllocated(db, orderId, reservation, new Date(expiresAt));
    if (result.kind === 'reserved') return { parcels: allocation.parcels, productIds: await dropCachedProductPages(redis, result.productIds) };
    log.info('stock moved under us; allocating again', { orderId, sku: result.sku, attempt });
    if (attempt === RESERVE_ATTEMPTS) throw new Error(`stock of ${result.sku} kept changing; retrying the activity`);
  }
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
