import type { Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../../db/database';

/** Drops and recreates the bench's own database, so every run starts from the same state. */
export async function recreateDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^fulfillment_bench_[a-z_]+$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

export interface CatalogOptions {
  products: number;
  skusPerProduct: number;
  onHand: number;
}

/**
 * Products of one seller in one warehouse, every SKU stocked through the ledger (as a receipt
 * would), so the reconciliation stays clean. Returns the SKUs in creation order.
 */
export async function createCatalog(db: Kysely<Database>, { products, skusPerProduct, onHand }: CatalogOptions): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const seller = await trx.insertInto('sellers').values({ slug: 'bench-checkout', name: 'Bench Checkout Seller', country: 'US' }).returning('id').executeTakeFirstOrThrow();
    const category = await trx.insertInto('categories').values({ slug: 'bench-checkout', name: 'Bench Checkout' }).returning('id').executeTakeFirstOrThrow();
    const warehouse = await trx
      .insertInto('warehouses')
      .values({ code: 'BENCH-CO-1', name: 'Bench Checkout Warehouse', country: 'US', region: 'us-central' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const productRows = await trx
      .insertInto('products')
      .values(
        Array.from({ length: products }, (_, i) => {
          const n = String(i + 1).padStart(5, '0');
          return { seller_id: seller.id, category_id: category.id, slug: `bench-co-${n}`, name: `Bench product ${n}` };
        }),
      )
      .returning(['id', 'slug'])
      .execute();
    const sizes = ['S', 'M', 'L', 'XL', 'XXL'];
    const variants = productRows.flatMap((product, p) =>
      Array.from({ length: skusPerProduct }, (_, v) => ({
        product_id: product.id,
        sku: `BCO-${String(p + 1).padStart(5, '0')}-${sizes[v % sizes.length]}${v >= sizes.length ? v : ''}`,
        attributes: { size: sizes[v % sizes.length]! },
        price_amount: 1000 + ((p * 37 + v * 11) % 40) * 100 - 1,
        currency: 'USD',
        weight_grams: 300 + v * 50,
      })),
    );
    await trx.insertInto('product_variants').values(variants).execute();
    await trx.insertInto('inventory').values(variants.map((v) => ({ sku: v.sku, warehouse_id: warehouse.id, on_hand: onHand }))).execute();
    await trx
      .insertInto('inventory_movements')
      .values(variants.map((v) => ({ sku: v.sku, warehouse_id: warehouse.id, quantity_delta: onHand, reason: 'initial', reference_type: 'bench', reference_id: v.sku })))
      .execute();
    return variants.map((v) => v.sku);
  });
}
