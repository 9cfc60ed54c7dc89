import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/database';
import { PRODUCT_CACHE_TTL_SECONDS, productCacheKey, productSlugCacheKey } from '../../platform/product-cache';

const money = z.object({ amount: z.number().int().describe('Minor units'), currency: z.string() });

export const productDetail = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.literal('active'),
  brand: z.object({ slug: z.string(), name: z.string() }).nullable(),
  category: z.object({ id: z.string(), slug: z.string(), name: z.string(), path: z.string() }),
  seller: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
  rating: z.number().nullable().describe('Average stars (1.0 to 5.0), null before the first review'),
  reviewCount: z.number().int(),
  images: z.array(z.object({ url: z.string(), altText: z.string(), position: z.number().int() })),
  available: z.number().int().describe('Units available to sell over all active SKUs'),
  inStock: z.boolean(),
  skus: z.array(
    z.object({
      sku: z.string(),
      attributes: z.record(z.string(), z.string()),
      price: money,
      available: z.number().int().describe('Sum over warehouses of on hand minus reserved'),
      inStock: z.boolean(),
      warehouses: z.array(z.object({ code: z.string(), available: z.number().int() })),
    }),
  ),
});

export type ProductDetail = z.infer<typeof productDetail>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A product is addressed by its uuid or by its slug. */
export const productRef = z
  .string()
  .max(200)
  .regex(/^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[a-z0-9]+(?:-[a-z0-9]+)*)$/, 'a product id (uuid) or slug');

/** Active products only: an inactive or unknown product is undefined. */
export async function loadProductDetail(db: Kysely<Database>, ref: string): Promise<ProductDetail | undefined> {
  const byId = UUID.test(ref);
  const product = await db
    .selectFrom('products as p')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .innerJoin('sellers as s', 's.id', 'p.seller_id')
    .leftJoin('brands as b', 'b.id', 'p.brand_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.description',
      'p.rating_tenths',
      'p.review_count',
      'c.id as category_id',
      'c.slug as category_slug',
      'c.name as category_name',
      'c.path as category_path',
      's.id as seller_id',
      's.slug as seller_slug',
      's.name as seller_name',
      'b.slug as brand_slug',
      'b.name as brand_name',
    ])
    .where(byId ? 'p.id' : 'p.slug', '=', byId ? ref.toLowerCase() : ref)
    .where('p.status', '=', 'active')
    .executeTakeFirst();
  if (!product) return undefined;

  const [images, stock] = await Promise.all([
    db
      .selectFrom('product_images')
      .select(['url', 'alt_text', 'position'])
      .where('product_id', '=', product.id)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('product_variants as v')
      .leftJoin('inventory as i', 'i.sku', 'v.sku')
      .leftJoin('warehouses as w', 'w.id', 'i.warehouse_id')
      .select(['v.sku', 'v.attributes', 'v.price_amount', 'v.currency', 'w.code as warehouse_code', 'i.on_hand', 'i.reserved'])
      .where('v.product_id', '=', product.id)
      .where('v.active', '=', true)
      .orderBy('v.sku')
      .orderBy('w.code')
      .execute(),
  ]);

  const skus = new Map<string, ProductDetail['skus'][number]>();
  for (const row of stock) {
    let sku = skus.get(row.sku);
    if (!sku) {
      sku = {
        sku: row.sku,
        attributes: row.attributes,
        price: { amount: row.price_amount, currency: row.currency },
        available: 0,
        inStock: false,
        warehouses: [],
      };
      skus.set(row.sku, sku);
    }
    if (row.warehouse_code !== null && row.on_hand !== null && row.reserved !== null) {
      const available = row.on_hand - row.reserved;
      sku.warehouses.push({ code: row.warehouse_code, available });
      sku.available += available;
      sku.inStock = sku.available > 0;
    }
  }
  const available = [...skus.values()].reduce((total, sku) => total + sku.available, 0);

  return {
    id: product.id,
    slug: product.slug,
    name: product.name,
    description: product.description,
    status: 'active',
    brand: product.brand_slug !== null && product.brand_name !== null ? { slug: product.brand_slug, name: product.brand_name } : null,
    category: { id: product.category_id, slug: product.category_slug, name: product.category_name, path: product.category_path },
    seller: { id: product.seller_id, slug: product.seller_slug, name: product.seller_name },
    rating: product.rating_tenths === null ? null : product.rating_tenths / 10,
    reviewCount: product.review_count,
    images: images.map((image) => ({ url: image.url, altText: image.alt_text, position: image.position })),
    available,
    inStock: available > 0,
    skus: [...skus.values()],
  };
}

export type CacheOutcome = 'hit' | 'miss';

export interface ProductDetailReader {
  /** undefined: no active product with that id or slug. */
  read(ref: string, log: CacheLog): Promise<{ detail: ProductDetail; cache: CacheOutcome } | undefined>;
}

export interface CacheLog {
  warn(details: object, message: string): void;
}

/** A slow Redis must not hold a product page hostage; past this the database answers. */
const REDIS_TIMEOUT_MS = 250;


/**
 * Read-through cache over loadProductDetail with the TTL and keys of platform/product-cache.
 * Redis is an optimisation only: when it fails or is slow the database answers.
 */
export function createProductDetailReader({ db, redis }: { db: Kysely<Database>; redis: Redis }): ProductDetailReader {
  return {
    async read(ref, log) {
      let cacheUsable = true;
      const cache = async <T>(operation: string, command: () => Promise<T>): Promise<T | undefined> => {
        if (!cacheUsable) return undefined;
        try {
          return await withTimeout(command(), REDIS_TIMEOUT_MS);
        } catch (error) {
          cacheUsable = false;
          log.warn({ err: error, operation, ref }, 'product cache unavailable; serving from PostgreSQL');
          return undefined;
        }
      };

      const byId = UUID.test(ref);
      const id = byId ? ref.toLowerCase() : await cache('get slug', () => redis.get(productSlugCacheKey(ref)));
      if (id) {
        const cached = await cache('get product', () => redis.get(productCacheKey(id)));
        const detail = cached ? parseCached(cached) : undefined;
        if (detail && (byId || detail.slug === ref)) return { detail, cache: 'hit' };
      }

      const detail = await loadProductDetail(db, ref);
      if (!detail) return undefined;
      const json = JSON.stringify(detail);
      await cache('set product', () => redis.set(productCacheKey(detail.id), json, 'EX', PRODUCT_CACHE_TTL_SECONDS));
      if (!byId) await cache('set slug', () => redis.set(productSlugCacheKey(detail.slug), detail.id, 'EX', PRODUCT_CACHE_TTL_SECONDS));
      return { detail, cache: 'miss' };
    },
  };
}

/** An entry that is not what we wrote (another version, a manual edit) is a miss, not a 500. */
function parseCached(text: string): ProductDetail | undefined {
  try {
    const parsed = productDetail.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis in ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
