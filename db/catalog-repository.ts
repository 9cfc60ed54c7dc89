import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, VariantAttributes } from './database';
import type { CurrentPrice } from '../domain/pricing';

type Db = Kysely<Database> | Transaction<Database>;

export const slugify = (text: string): string =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80) || 'item';

export async function createSeller(db: Db, seller: { slug: string; name: string; email?: string; country: string }) {
  return db
    .insertInto('sellers')
    .values({ slug: seller.slug, name: seller.name, email: seller.email ?? null, country: seller.country })
    .returning(['id', 'slug', 'name', 'email', 'country', 'status'])
    .executeTakeFirstOrThrow();
}

export async function createWarehouse(db: Db, warehouse: { code: string; name: string; country: string; region: string }) {
  return db.insertInto('warehouses').values(warehouse).returning(['id', 'code', 'name', 'country', 'region', 'active']).executeTakeFirstOrThrow();
}

export async function createCategory(db: Db, category: { slug: string; name: string; parentId?: string }) {
  return db
    .insertInto('categories')
    .values({ slug: category.slug, name: category.name, parent_id: category.parentId ?? null })
    .returning(['id', 'slug', 'name', 'parent_id', 'path', 'depth'])
    .executeTakeFirstOrThrow();
}

/**
 * Renames or moves a category. A move re-paths the subtree (a trigger does that), which changes
 * the search documents of every product in it: their search versions move on in the same
 * transaction, and the caller starts the catch-up that reindexes them.
 */
export async function updateCategory(trx: Transaction<Database>, id: string, change: { name?: string; parentId?: string | null }) {
  const before = await trx.selectFrom('categories').select('path').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!before) return undefined;
  const updated = await trx
    .updateTable('categories')
    .set({ ...(change.name !== undefined && { name: change.name }), ...(change.parentId !== undefined && { parent_id: change.parentId }) })
    .where('id', '=', id)
    .returning(['id', 'slug', 'name', 'parent_id', 'path', 'depth'])
    .executeTakeFirstOrThrow();
  const moved = updated.path !== before.path;
  const affected = moved
    ? await trx
        .updateTable('products')
        .set({ search_version: sql<number>`search_version + 1` })
        .where('category_id', 'in', (qb) =>
          qb.selectFrom('categories').select('id').where((eb) => eb.or([eb('path', '=', updated.path), eb('path', 'like', `${updated.path}/%`)])),
        )
        .executeTakeFirst()
    : undefined;
  return { category: updated, reindexedProducts: Number(affected?.numUpdatedRows ?? 0) };
}

export async function listCategories(db: Db) {
  return db.selectFrom('categories').select(['id', 'slug', 'name', 'parent_id', 'path', 'depth']).orderBy('path').execute();
}

async function brandId(trx: Transaction<Database>, brand: string | null | undefined): Promise<string | null | undefined> {
  if (brand === undefined || brand === null) return brand;
  const slug = slugify(brand);
  await trx.insertInto('brands').values({ slug, name: brand }).onConflict((oc) => oc.column('slug').doNothing()).execute();
  return (await trx.selectFrom('brands').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
}

export interface NewVariant {
  sku: string;
  attributes: VariantAttributes;
  priceAmount: number;
  currency: string;
  weightGrams?: number;
}

export interface NewProduct {
  sellerId: string;
  categoryId: string;
  brand?: string;
  slug?: string;
  name: string;
  description?: string;
  images?: { url: string; altText?: string }[];
  variants: NewVariant[];
}

const variantRow = (productId: string, v: NewVariant) => ({
  product_id: productId,
  sku: v.sku,
  attributes: JSON.stringify(v.attributes),
  price_amount: v.priceAmount,
  currency: v.currency,
  weight_grams: v.weightGrams ?? null,
});

export async function createProduct(trx: Transaction<Database>, product: NewProduct): Promise<string> {
  const { id } = await trx
    .insertInto('products')
    .values({
      seller_id: product.sellerId,
      category_id: product.categoryId,
      brand_id: (await brandId(trx, product.brand)) ?? null,
      slug: product.slug ?? slugify(product.name),
      name: product.name,
      description: product.description ?? '',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('product_variants').values(product.variants.map((v) => variantRow(id, v))).execute();
  if (product.images?.length) {
    await trx
      .insertInto('product_images')
      .values(product.images.map((image, position) => ({ product_id: id, url: image.url, alt_text: image.altText ?? '', position })))
      .execute();
  }
  return id;
}

export interface ProductChange {
  name?: string;
  description?: string;
  categoryId?: string;
  brand?: string | null;
  status?: 'active' | 'inactive';
}

/** Every write below moves the product's search version on, so its sync can never be rolled back. */
export async function updateProduct(trx: Transaction<Database>, id: string, change: ProductChange): Promise<boolean> {
  const brand = await brandId(trx, change.brand);
  const result = await trx
    .updateTable('products')
    .set({
      ...(change.name !== undefined && { name: change.name }),
      ...(change.description !== undefined && { description: change.description }),
      ...(change.categoryId !== undefined && { category_id: change.categoryId }),
      ...(brand !== undefined && { brand_id: brand }),
      ...(change.status !== undefined && { status: change.status }),
      search_version: sql<number>`search_version + 1`,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function addVariant(trx: Transaction<Database>, productId: string, variant: NewVariant): Promise<boolean> {
  const bumped = await bumpProduct(trx, productId);
  if (!bumped) return false;
  await trx.insertInto('product_variants').values(variantRow(productId, variant)).execute();
  return true;
}

export interface VariantChange {
  attributes?: VariantAttributes;
  priceAmount?: number;
  active?: boolean;
}

/** Returns the variant's product id, or undefined for an unknown SKU. */
export async function updateVariant(trx: Transaction<Database>, sku: string, change: VariantChange): Promise<string | undefined> {
  const variant = await trx
    .updateTable('product_variants')
    .set({
      ...(change.attributes !== undefined && { attributes: JSON.stringify(change.attributes) }),
      ...(change.priceAmount !== undefined && { price_amount: change.priceAmount }),
      ...(change.active !== undefined && { active: change.active }),
    })
    .where('sku', '=', sku)
    .returning('product_id')
    .executeTakeFirst();
  if (!variant) return undefined;
  await bumpProduct(trx, variant.product_id);
  return variant.product_id;
}

async function bumpProduct(trx: Transaction<Database>, productId: string): Promise<boolean> {
  const result = await trx
    .updateTable('products')
    .set({ search_version: sql<number>`search_version + 1` })
    .where('id', '=', productId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findProductWithVariants(db: Db, id: string) {
  const product = await db
    .selectFrom('products as p')
    .innerJoin('categories as c', 'c.id', 'p.category_id')
    .leftJoin('brands as b', 'b.id', 'p.brand_id')
    .select(['p.id', 'p.slug', 'p.name', 'p.description', 'p.status', 'p.seller_id', 'p.category_id', 'c.path as category_path', 'b.name as brand', 'p.search_version'])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!product) return undefined;
  const variants = await db
    .selectFrom('product_variants')
    .select(['sku', 'attributes', 'price_amount', 'currency', 'active'])
    .where('product_id', '=', id)
    .orderBy('sku')
    .execute();
  return { ...product, variants };
}

/** Prices as the catalog has them now: checkout and a cart's reprice never trust a price a client or cart holds. */
export async function findCurrentPrices(db: Db, skus: string[]): Promise<CurrentPrice[]> {
  if (skus.length === 0) return [];
  const rows = await db
    .selectFrom('product_variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select(['v.sku', 'v.price_amount', 'v.currency', 'v.active', 'p.status'])
    .where('v.sku', 'in', skus)
    .execute();
  return rows.map((r) => ({ sku: r.sku, unitPrice: { amount: r.price_amount, currency: r.currency }, active: r.active && r.status === 'active' }));
}
