import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { createDb } from '../../db/create-db';
import type { Database } from '../../db/database';

export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL must point at a disposable PostgreSQL database for test/db');
  return url;
}

export function createTestDb(): Kysely<Database> {
  return createDb({ url: testDatabaseUrl(), poolSize: 4, applicationName: 'test-db' });
}

/** Upper-case and dash-safe, so it also passes the sku and receipt id formats. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8).toUpperCase()}`;
}

export interface ExpectedDbError {
  /** SQLSTATE, e.g. 23514 check_violation, 23505 unique_violation, 23001 restrict_violation. */
  code: string;
  constraint?: string;
  message?: RegExp;
}

export async function assertRefused(statement: Promise<unknown>, expected: ExpectedDbError): Promise<void> {
  let error: unknown;
  try {
    await statement;
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'expected the database to refuse the statement');
  const e = error as { code?: string; constraint?: string; message?: string };
  assert.equal(e.code, expected.code, `SQLSTATE of: ${e.message}`);
  if (expected.constraint !== undefined) assert.equal(e.constraint, expected.constraint);
  if (expected.message !== undefined) assert.match(e.message ?? '', expected.message);
}

export const TEST_WAREHOUSE_CODE = 'TEST-DB-1';

/** Fixed test seller/category/warehouse (upserted), so repeated runs do not multiply reference rows. */
async function referenceRows(db: Kysely<Database>): Promise<{ sellerId: string; categoryId: string; warehouseId: string }> {
  await db
    .insertInto('sellers')
    .values({ slug: 'test-db-seller', name: 'Test DB Seller', country: 'US' })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  await db
    .insertInto('categories')
    .values({ slug: 'test-db-category', name: 'Test DB Category' })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
  await db
    .insertInto('warehouses')
    .values({ code: TEST_WAREHOUSE_CODE, name: 'Test DB Warehouse', country: 'US', region: 'test' })
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const seller = await db.selectFrom('sellers').select('id').where('slug', '=', 'test-db-seller').executeTakeFirstOrThrow();
  const category = await db
    .selectFrom('categories')
    .select('id')
    .where('slug', '=', 'test-db-category')
    .executeTakeFirstOrThrow();
  const warehouse = await db
    .selectFrom('warehouses')
    .select('id')
    .where('code', '=', TEST_WAREHOUSE_CODE)
    .executeTakeFirstOrThrow();
  return { sellerId: seller.id, categoryId: category.id, warehouseId: warehouse.id };
}

export interface StockedSku {
  sku: string;
  productId: string;
  warehouseId: string;
}

/** A fresh product + variant with on_hand written through the ledger, so reconciliation stays clean. */
export async function createStockedSku(db: Kysely<Database>, onHand: number, priceAmount = 2500): Promise<StockedSku> {
  const ref = await referenceRows(db);
  const sku = uniqueId('TST');
  return db.transaction().execute(async (trx) => {
    const product = await trx
      .insertInto('products')
      .values({ seller_id: ref.sellerId, category_id: ref.categoryId, slug: sku.toLowerCase(), name: `Test product ${sku}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('product_variants')
      .values({ product_id: product.id, sku, attributes: { size: 'M' }, price_amount: priceAmount, currency: 'USD' })
      .execute();
    await trx.insertInto('inventory').values({ sku, warehouse_id: ref.warehouseId, on_hand: onHand }).execute();
    if (onHand !== 0) {
      await trx
        .insertInto('inventory_movements')
        .values({
          sku,
          warehouse_id: ref.warehouseId,
          quantity_delta: onHand,
          reason: 'initial',
          reference_type: 'test',
          reference_id: sku,
        })
        .execute();
    }
    return { sku, productId: product.id, warehouseId: ref.warehouseId };
  });
}

export async function createOrder(
  db: Kysely<Database>,
  overrides: { id?: string; idempotencyKey?: string; totalAmount?: number } = {},
): Promise<{ id: string; idempotencyKey: string }> {
  const idempotencyKey = overrides.idempotencyKey ?? uniqueId('checkout');
  const total = overrides.totalAmount ?? 5000;
  const order = await db
    .insertInto('orders')
    .values({
      ...(overrides.id && { id: overrides.id }),
      email: `${idempotencyKey.toLowerCase()}@example.com`,
      currency: 'USD',
      subtotal_amount: total,
      total_amount: total,
      idempotency_key: idempotencyKey,
      shipping_address: { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', postal_code: '12345', country: 'US' },
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: order.id, idempotencyKey };
}

export async function createPayment(db: Kysely<Database>, orderId: string, authorizedAmount: number): Promise<string> {
  const payment = await db
    .insertInto('payments')
    .values({
      order_id: orderId,
      provider: 'stripe',
      external_id: uniqueId('pi'),
      status: 'authorized',
      currency: 'USD',
      authorized_amount: authorizedAmount,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return payment.id;
}
