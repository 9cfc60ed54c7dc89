import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findOrdersWithExpiredReservations, releaseReservations } from '../../db/reservations';
import { shipParcelStock, type ShippedParcel } from '../../db/ship-parcel-stock';
import type { RestockInput } from '../../domain/restock';
import { invalidateProducts } from '../../platform/product-cache';
import { dropCachedProductPages } from './cached-product-pages';
import { notifyBackInStock, type BackInStockRestock } from './notify-back-in-stock';
import { productsChanged } from './products-changed';
import { receiveStock, type StockReceived } from './receive-stock';
import { reserveStock, type ReserveStockInput, type StockReserved } from './reserve-stock';
import { settleExpiredReservations, type ExpiredReservationsSettled } from './settle-expired-reservations';

export type { BackInStockRestock, ExpiredReservationsSettled, ReserveStockInput, StockReceived, StockReserved };

export interface InventoryActivityDeps {
  db: Kysely<Database>;
  /** Product pages cache availability: a step that moves stock drops them itself. */
  redis: Redis;
}

/**
 * Stock: reserved for orders and released again, received into warehouses, swept when a
 * reservation outlived its checkout. The product cache and search sync hear of every change in
 * availability from here too: stock moves are what change it once a product exists (catalog
 * edits go through the API, which announces them itself).
 */
export function createInventoryActivities({ db, redis }: InventoryActivityDeps) {
  return {
    async reserveStock(input: ReserveStockInput): Promise<StockReserved> {
      return reserveStock({ db, redis }, input);
    },

    /** The compensation of reserveStock: safe when nothing is held, and when run twice. */
    async releaseStock(orderId: string): Promise<{ productIds: string[]; released: number }> {
      const { released, productIds } = await releaseReservations(db, orderId);
      if (released.length > 0) log.info('reservations released', { orderId, lines: released.length });
      return { productIds: await dropCachedProductPages(redis, productIds), released: released.length };
    },

    /**
     * A parcel handed to the carrier: its reserved stock leaves the warehouse (on_hand and
     * reserved down, the reservation committed, the ledger's reservation_commit movement, the
     * shipment marked shipped). Once per parcel however often it runs.
     */
    async shipParcelStock(parcel: ShippedParcel): Promise<{ alreadyShipped: boolean }> {
      const result = await shipParcelStock(db, parcel);
      if (result.kind === 'not-reserved') {
        throw ApplicationFailure.create({ type: 'ParcelNotReserved', message: `${result.sku}: the parcel carries ${result.requested}, the order holds ${result.reserved} reserved here`, nonRetryable: true });
      }
      if (!result.alreadyShipped) log.info('parcel stock shipped', { shipmentId: parcel.shipmentId, lines: parcel.lines.length });
      return { alreadyShipped: result.alreadyShipped };
    },

    async receiveStock(input: RestockInput): Promise<StockReceived> {
      return receiveStock(db, input);
    },

    async notifyBackInStock(restock: BackInStockRestock): Promise<{ queued: number }> {
      return notifyBackInStock(db, restock);
    },

    /** Orders holding a reservation past its expiry, walked by id. */
    async findOrdersWithExpiredReservations(page: { after: string | null; limit: number }): Promise<string[]> {
      return findOrdersWithExpiredReservations(db, page);
    },

    async settleExpiredReservations(orderIds: string[]): Promise<ExpiredReservationsSettled> {
      return settleExpiredReservations(db, orderIds);
    },

    /** Unlike the drop inside a stock move this one fails when Redis does, so its workflow retries it. */
    async invalidateProductCache(productIds: string[]): Promise<void> {
      await invalidateProducts(redis, productIds);
    },

    async productsChanged(productIds: string[]): Promise<void> {
      await productsChanged(redis, productIds);
    },
  };
}

export type InventoryActivities = ReturnType<typeof createInventoryActivities>;
/** What the expired-reservation sweep calls. */
export type ExpiredReservationActivities = Pick<InventoryActivities, 'findOrdersWithExpiredReservations' | 'settleExpiredReservations'>;
/** What follows a committed change to products or their stock. Every step is safe to repeat. */
export type ProductChangeActivities = Pick<InventoryActivities, 'invalidateProductCache' | 'productsChanged'>;
