import assert from 'node:assert/strict';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import request from 'supertest';
import type { Database } from '../../db/database';
import { cartKeys } from '../../domain/cart';
import { redisReady as waitForRedis } from '../../platform/create-redis';
import { createOrder } from './db-fixtures';

/** The client refuses commands until connected (no offline queue), so a suite waits for it once. */
export async function redisReady(redis: Redis): Promise<void> {
  assert.ok(await waitForRedis(redis), 'Redis did not become ready');
}

export async function createCart(app: Express, authorization?: string): Promise<string> {
  const req = request(app).post('/carts');
  const res = await (authorization ? req.set('Authorization', authorization) : req);
  assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
  return res.body.id as string;
}

export function addToCart(app: Express, cartId: string, sku: string, quantity: number, authorization?: string) {
  const req = request(app).post(`/carts/${cartId}/lines`).send({ sku, quantity });
  return authorization ? req.set('Authorization', authorization) : req;
}

export async function cartHash(redis: Redis, cartId: string): Promise<Record<string, string>> {
  return redis.hgetall(cartKeys.cart(cartId));
}

/** Seconds left, as Redis's TTL command reports them (-2 when the key does not exist). */
export async function cartTtl(redis: Redis, cartId: string): Promise<number> {
  return redis.ttl(cartKeys.cart(cartId));
}

/** Stock of `sku` in another warehouse (upserted by code), written through the ledger like createStockedSku. */
export async function stockInWarehouse(db: Kysely<Database>, sku: string, code: string, onHand: number, active = true): Promise<void> {
  await db
    .insertInto('warehouses')
    .values({ code, name: `Cart test ${code}`, country: 'US', region: 'test', active })
    .onConflict((oc) => oc.column('code').doUpdateSet({ active }))
    .execute();
  const warehouse = await db.selectFrom('warehouses').select('id').where('code', '=', code).executeTakeFirstOrThrow();
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('inventory').values({ sku, warehouse_id: warehouse.id, on_hand: onHand }).execute();
    await trx
      .insertInto('inventory_movements')
      .values({ sku, warehouse_id: warehouse.id, quantity_delta: onHand, reason: 'initial', reference_type: 'test', reference_id: `${sku}-${code}` })
      .execute();
  });
}

/** A real reservation for an order, so `reserved` stays equal to the active reservations. */
export async function reserveStock(db: Kysely<Database>, sku: string, warehouseId: string, quantity: number): Promise<void> {
  const order = await createOrder(db);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('inventory_reservations').values({ order_id: order.id, sku, warehouse_id: warehouseId, quantity }).execute();
    await trx
      .updateTable('inventory')
      .set((eb) => ({ reserved: eb('reserved', '+', quantity) }))
      .where('sku', '=', sku)
      .where('warehouse_id', '=', warehouseId)
      .execute();
  });
}
