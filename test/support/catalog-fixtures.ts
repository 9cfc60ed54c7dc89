import { randomBytes } from 'node:crypto';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import { MockActivityEnvironment } from '@temporalio/testing';
import { sql, type Kysely } from 'kysely';
import { createSearchActivities, type DocumentsIndexed } from '../../activities/search/search-activities';
import type { Database } from '../../db/database';
import type { SearchIndices } from '../../platform/search-indices';
import { createOrder } from './db-fixtures';
import { quietLogger } from './test-stack';

export interface SkuSpec {
  attributes?: Record<string, string>;
  price: number;
  currency?: string;
  /** On hand per fixture warehouse: [first, second]; no entry means no inventory row there. */
  stock?: number[];
  active?: boolean;
}

export interface ProductSpec {
  name: string;
  description?: string;
  /** Brand name; created on first use. */
  brand?: string;
  /** A full path returned by `category()`; the run's root category by default. */
  category?: string;
  skus: SkuSpec[];
  /** Average stars with one decimal, e.g. 4.5. */
  rating?: number;
  reviewCount?: number;
  status?: 'active' | 'inactive';
  createdAt?: Date;
  images?: { url: string; altText?: string }[];
}

export interface FixtureProduct {
  id: string;
  slug: string;
  name: string;
  skus: string[];
}

export interface CatalogFixture {
  /** Lower-case, unique per fixture; part of every slug, code and root category it creates. */
  token: string;
  /** The fixture's own root category: filtering on it sees only this fixture's products. */
  root: string;
  /** Warehouse codes, in the order of `SkuSpec.stock`. */
  warehouses: [string, string];
  /** A fresh word that no other product contains, for text queries that must see only our products. */
  word(): string;
  /** Creates `a/b/c` under the root (each level once) and returns its full path. */
  category(path: string): Promise<string>;
  product(spec: ProductSpec): Promise<FixtureProduct>;
  /** Writes the products to Elasticsearch with the real indexing activity, then refreshes the index. */
  index(products: FixtureProduct[]): Promise<void>;
  /** Changes on_hand through the ledger (an adjustment), as a stock writer would. */
  adjustStock(sku: string, warehouse: 0 | 1, delta: number): Promise<void>;
  /** A real reservation for a fresh order, so reserved always equals the active reservations. */
  reserve(sku: string, warehouse: 0 | 1, quantity: number): Promise<void>;
}

const randomWord = (): string => `w${randomBytes(5).toString('hex')}`;

export async function createCatalogFixture({
  db,
  es,
  indices,
}: {
  db: Kysely<Database>;
  es: Elasticsearch;
  indices: SearchIndices;
}): Promise<CatalogFixture> {
  const token = randomBytes(4).toString('hex');
  const root = `srch-${token}`;
  const seller = await db
    .insertInto('sellers')
    .values({ slug: `seller-${token}`, name: `Seller ${token}`, country: 'US' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const rootId = (await db.insertInto('categories').values({ slug: root, name: `Search ${token}` }).returning('id').executeTakeFirstOrThrow()).id;
  const warehouseCodes: [string, string] = [`SRCH-${token.toUpperCase()}-A`, `SRCH-${token.toUpperCase()}-B`];
  const warehouseIds = await Promise.all(
    warehouseCodes.map(async (code) => {
      const row = await db.insertInto('warehouses').values({ code, name: code, country: 'US', region: 'test' }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    }),
  );
  const categoryIds = new Map<string, string>();
  const brandIds = new Map<string, string>();
  let products = 0;
  let movements = 0;
  const movementReference = () => {
    movements += 1;
    return `${token}-${movements}`;
  };

  const brandId = async (name: string): Promise<string> => {
    const known = brandIds.get(name);
    if (known) return known;
    const slug = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${randomBytes(3).toString('hex')}`;
    const row = await db.insertInto('brands').values({ slug, name }).returning('id').executeTakeFirstOrThrow();
    brandIds.set(name, row.id);
    return row.id;
  };

  const bumpSearchVersion = (trx: Kysely<Database>, sku: string) =>
    trx
      .updateTable('products')
      .set({ search_version: sql<number>`search_version + 1` })
      .where('id', '=', (eb) => eb.selectFrom('product_variants').select('product_id').where('sku', '=', sku))
      .execute();

  return {
    token,
    root,
    warehouses: warehouseCodes,
    word: randomWord,

    async category(path) {
      // Slugs are global, so each level's slug is `<token>-<its local path with dashes>`.
      const levels = path.split('/');
      let parentId = rootId;
      let fullPath = root;
      for (let depth = 0; depth < levels.length; depth += 1) {
        const slug = `${token}-${levels.slice(0, depth + 1).join('-')}`;
        fullPath = `${fullPath}/${slug}`;
        let id = categoryIds.get(fullPath);
        if (!id) {
          id = (await db.insertInto('categories').values({ slug, name: levels[depth]!, parent_id: parentId }).returning('id').executeTakeFirstOrThrow()).id;
          categoryIds.set(fullPath, id);
        }
        parentId = id;
      }
      return fullPath;
    },

    async product(spec) {
      products += 1;
      const slug = `${token}-p${products}`;
      const category_id = spec.category === undefined || spec.category === root ? rootId : categoryIds.get(spec.category);
      if (!category_id) throw new Error(`create category ${spec.category} with category() first`);
      const brand_id = spec.brand === undefined ? null : await brandId(spec.brand);
      return db.transaction().execute(async (trx) => {
        const product = await trx
          .insertInto('products')
          .values({
            seller_id: seller.id,
            category_id,
            brand_id,
            slug,
            name: spec.name,
            description: spec.description ?? '',
            status: spec.status ?? 'active',
            rating_tenths: spec.rating === undefined ? null : Math.round(spec.rating * 10),
            review_count: spec.reviewCount ?? 0,
            ...(spec.createdAt && { created_at: spec.createdAt }),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const skus: string[] = [];
        for (const [i, skuSpec] of spec.skus.entries()) {
          const sku = `${slug.toUpperCase()}-${i + 1}`;
          skus.push(sku);
          await trx
            .insertInto('product_variants')
            .values({
              product_id: product.id,
              sku,
              attributes: skuSpec.attributes ?? {},
              price_amount: skuSpec.price,
              currency: skuSpec.currency ?? 'USD',
              active: skuSpec.active ?? true,
            })
            .execute();
          for (const [w, onHand] of (skuSpec.stock ?? []).entries()) {
            await trx.insertInto('inventory').values({ sku, warehouse_id: warehouseIds[w]!, on_hand: onHand }).execute();
            if (onHand !== 0) {
              await trx
                .insertInto('inventory_movements')
                .values({ sku, warehouse_id: warehouseIds[w]!, quantity_delta: onHand, reason: 'initial', reference_type: 'test', reference_id: movementReference() })
                .execute();
            }
          }
        }
        for (const [position, image] of (spec.images ?? []).entries()) {
          await trx.insertInto('product_images').values({ product_id: product.id, url: image.url, alt_text: image.altText ?? '', position }).execute();
        }
        return { id: product.id, slug, name: spec.name, skus };
      });
    },

    async index(items) {
      const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
      const { indexProducts } = createSearchActivities({ db, es, indices });
      const result = (await env.run(indexProducts, items.map((item) => item.id))) as DocumentsIndexed;
      if (result.indexed !== items.length) throw new Error(`indexed ${JSON.stringify(result)} of ${items.length} products`);
      await es.indices.refresh({ index: indices.products.name });
    },

    async adjustStock(sku, warehouse, delta) {
      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('inventory')
          .set({ on_hand: sql<number>`on_hand + ${delta}` })
          .where('sku', '=', sku)
          .where('warehouse_id', '=', warehouseIds[warehouse]!)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) throw new Error(`${sku} has no stock row in warehouse ${warehouse}`);
        await trx
          .insertInto('inventory_movements')
          .values({ sku, warehouse_id: warehouseIds[warehouse]!, quantity_delta: delta, reason: 'adjustment', reference_type: 'test', reference_id: movementReference() })
          .execute();
        await bumpSearchVersion(trx, sku);
      });
    },

    async reserve(sku, warehouse, quantity) {
      const order = await createOrder(db);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('inventory_reservations').values({ order_id: order.id, sku, warehouse_id: warehouseIds[warehouse]!, quantity }).execute();
        const updated = await trx
          .updateTable('inventory')
          .set({ reserved: sql<number>`reserved + ${quantity}` })
          .where('sku', '=', sku)
          .where('warehouse_id', '=', warehouseIds[warehouse]!)
          .where(sql<boolean>`on_hand - reserved >= ${quantity}`)
          .executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) throw new Error(`not enough stock of ${sku} to reserve ${quantity}`);
        await bumpSearchVersion(trx, sku);
      });
    },
  };
}
