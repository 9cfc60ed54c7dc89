import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import { findStaleIds, markIndexed } from './search-state';

/** The products read model as Elasticsearch stores it; `version` orders writes. */
export interface ProductSearchDocument {
  id: string;
  slug: string;
  name: string;
  brand: string | null;
  description: string;
  sellerId: string;
  categoryId: string;
  /** The category and all its ancestors, so a filter on a category matches its descendants. */
  categoryPath: string[];
  status: string;
  currency: string;
  priceMin: number;
  priceMax: number;
  available: number;
  inStock: boolean;
  attributes: string[];
  /** Average rating in stars (1.0..5.0), null before the first review. */
  rating: number | null;
  reviewCount: number;
  skus: { sku: string; priceAmount: number; available: number; attributes: string[] }[];
  createdAt: string;
  updatedAt: string;
}

export interface VersionedDocument<T> {
  version: number;
  document: T;
}

/** Availability is on_hand minus reserved, summed over warehouses, per SKU and per product. */
export async function loadProductSearchDocuments(
  db: Kysely<Database>,
  productIds: string[],
): Promise<VersionedDocument<ProductSearchDocument>[]> {
  if (productIds.length === 0) return [];
  const products = await db
    .selectFrom('products as p')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .leftJoin('brands as b', 'b.id', 'p.brand_id')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'p.description',
      'p.seller_id',
      'p.category_id',
      'p.status',
      'p.search_version',
      'p.rating_tenths',
      'p.review_count',
      'p.created_at',
      'p.updated_at',
      'c.path as category_path',
      'b.name as brand',
    ])
    .where('p.id', 'in', productIds)
    .execute();
  const variants = await db
    .selectFrom('product_variants as v')
    .leftJoin('inventory as i', 'i.sku', 'v.sku')
    .select([
      'v.product_id',
      'v.sku',
      'v.price_amount',
      'v.currency',
      'v.attributes',
      sql<number>`coalesce(sum(i.on_hand - i.reserved), 0)::int`.as('available'),
    ])
    .where('v.product_id', 'in', productIds)
    .where('v.active', '=', true)
    .groupBy(['v.product_id', 'v.sku', 'v.price_amount', 'v.currency', 'v.attributes'])
    .orderBy('v.sku')
    .execute();

  return products.map((p) => {
    const skus = variants
      .filter((v) => v.product_id === p.id)
      .map((v) => ({
        sku: v.sku,
        priceAmount: v.price_amount,
        currency: v.currency,
        available: v.available,
        attributes: Object.entries(v.attributes).map(([key, value]) => `${key}:${value}`),
      }));
    const prices = skus.map((s) => s.priceAmount);
    const available = skus.reduce((total, s) => total + s.available, 0);
    return {
      version: p.search_version,
      document: {
        id: p.id,
        slug: p.slug,
        name: p.name,
        brand: p.brand,
        description: p.description,
        sellerId: p.seller_id,
        categoryId: p.category_id,
        categoryPath: p.category_path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')),
        status: p.status,
        currency: skus[0]?.currency ?? 'USD',
        priceMin: prices.length ? Math.min(...prices) : 0,
        priceMax: prices.length ? Math.max(...prices) : 0,
        available,
        inStock: available > 0,
        attributes: [...new Set(skus.flatMap((s) => s.attributes))].sort(),
        rating: p.rating_tenths === null ? null : p.rating_tenths / 10,
        reviewCount: p.review_count,
        skus: skus.map(({ sku, priceAmount, available, attributes }) => ({ sku, priceAmount, available, attributes })),
        createdAt: p.created_at.toISOString(),
        updatedAt: p.updated_at.toISOString(),
      },
    };
  });
}

/** Records what search now holds, so a sweep can find products whose index lags behind. */
export const markProductsIndexed = (db: Kysely<Database>, indexed: { id: string; version: number }[]): Promise<void> => markIndexed(db, 'products', indexed);

/** Products changed since they were last indexed, oldest first. */
export const findStaleProductIds = (db: Kysely<Database>, limit: number): Promise<string[]> => findStaleIds(db, 'products', limit);
