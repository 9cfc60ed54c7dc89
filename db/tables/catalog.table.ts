import type { Generated } from 'kysely';
import type { CurrencyCode, JsonWithDefault, Timestamp } from './column-types';

export interface SellerTable {
  id: Generated<string>;
  slug: string;
  name: string;
  email: string | null;
  country: string;
  status: Generated<'active' | 'suspended'>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CategoryTable {
  id: Generated<string>;
  parent_id: string | null;
  slug: string;
  name: string;
  /** Slug path from the root, e.g. `apparel/mens/mens-jeans`; maintained by a trigger. */
  path: Generated<string>;
  /** 0 for a root; maintained by a trigger. */
  depth: Generated<number>;
  position: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: Timestamp;
}

export interface ProductTable {
  id: Generated<string>;
  seller_id: string;
  category_id: string;
  brand_id: string | null;
  slug: string;
  name: string;
  description: Generated<string>;
  status: Generated<'active' | 'inactive'>;
  /** Bumped on every change that affects the search document; used as the Elasticsearch external version. */
  search_version: Generated<number>;
  /** The search_version last written to Elasticsearch; lower than search_version means the index lags. */
  search_indexed_version: Generated<number>;
  /** Average rating in tenths of a star (10..50), null before the first review. */
  rating_tenths: number | null;
  review_count: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type VariantAttributes = Record<string, string>;

export interface ProductVariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  attributes: JsonWithDefault<VariantAttributes>;
  price_amount: number;
  currency: CurrencyCode;
  weight_grams: number | null;
  active: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  url: string;
  alt_text: Generated<string>;
  position: Generated<number>;
  created_at: Timestamp;
}
