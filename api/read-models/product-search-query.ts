import type { estypes } from '@elastic/elasticsearch';
import { z } from 'zod';

/** Elasticsearch's default index.max_result_window: deeper pages need search_after, not from/size. */
export const MAX_RESULT_WINDOW = 10_000;
export const MAX_PAGE_SIZE = 50;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_PRICE = 1_000_000_000_000;
const MAX_VALUES = 20;
const CATEGORY_FACET_SIZE = 100;
const BRAND_FACET_SIZE = 50;

/** Upper edges are exclusive; each bucket is also a valid priceMin/priceMax pair (max = edge - 1). */
export const PRICE_BUCKET_EDGES = [0, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000] as const;

export const productSorts = ['relevance', 'price_asc', 'price_desc', 'newest', 'rating'] as const;
export type ProductSort = (typeof productSorts)[number];

const SLUG = '[a-z0-9]+(?:-[a-z0-9]+)*';
const CATEGORY_PATH = new RegExp(`^${SLUG}(?:/${SLUG}){0,15}$`);
const ATTRIBUTE = /^[^:\s][^:]{0,49}:[^\n\r]{1,100}$/;

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,16}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A query parameter that may be repeated (`brand=a&brand=b`); always an array once parsed. */
const repeatable = (item: z.ZodString) =>
  z
    .union([item, z.array(item).min(1).max(MAX_VALUES)])
    .transform((value): string[] => [...new Set(typeof value === 'string' ? [value] : value)]);

export const productSearchQuery = z
  .strictObject({
    q: z.string().max(200).optional().describe('Free text over name (weighted highest), brand and description.'),
    category: z
      .string()
      .max(500)
      .regex(CATEGORY_PATH, 'a category path of slugs, e.g. apparel/shoes')
      .optional()
      .describe('Category path, e.g. `apparel/shoes`; matches the category and all its descendants.'),
    brand: repeatable(z.string().min(1).max(100))
      .optional()
      .describe(`Brand name, exact; repeat for any of several (at most ${MAX_VALUES}).`),
    priceMin: wholeNumber(0, MAX_PRICE)
      .optional()
      .describe('Minor units (cents). A product matches if one of its SKUs costs at least this (and at most priceMax).'),
    priceMax: wholeNumber(0, MAX_PRICE)
      .optional()
      .describe('Minor units (cents). A product matches if one of its SKUs costs at most this (and at least priceMin).'),
    inStock: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional()
      .describe('true: only products with stock available to sell (with `attr` or a price: a matching SKU in stock). false or absent: no filter.'),
    attr: repeatable(z.string().regex(ATTRIBUTE, 'key:value, e.g. color:red'))
      .optional()
      .describe(
        `SKU attribute as key:value, e.g. color:red; repeat for more (at most ${MAX_VALUES}). Values of one key are alternatives, different keys must all hold for the same SKU.`,
      ),
    minRating: z
      .string()
      .regex(/^\d(?:\.\d)?$/, 'stars, e.g. 4 or 4.5')
      .transform(Number)
      .pipe(z.number().min(1).max(5))
      .optional()
      .describe('Minimum average rating in stars, 1 to 5; unrated products are excluded.'),
    sort: z
      .enum(productSorts)
      .default('relevance')
      .describe('relevance (default; newest first when there is no q), price_asc (lowest SKU price), price_desc (highest SKU price), newest, rating (unrated last).'),
    page: wholeNumber(1, MAX_RESULT_WINDOW).default(1).describe('1-based page number (default 1).'),
    pageSize: wholeNumber(1, MAX_PAGE_SIZE)
      .default(DEFAULT_PAGE_SIZE)
      .describe(`Results per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); page × pageSize may not exceed ${MAX_RESULT_WINDOW}.`),
  })
  .superRefine((query, ctx) => {
    if (query.priceMin !== undefined && query.priceMax !== undefined && query.priceMin > query.priceMax) {
      ctx.addIssue({ code: 'custom', path: ['priceMin'], message: 'priceMin must not be greater than priceMax' });
    }
    if (query.page * query.pageSize > MAX_RESULT_WINDOW) {
      ctx.addIssue({
        code: 'custom',
        path: ['page'],
        message: `only the first ${MAX_RESULT_WINDOW} results can be paged through; narrow the search instead`,
      });
    }
  });

export type ProductSearchQuery = z.output<typeof productSearchQuery>;

/** The fields of the search document a hit needs. */
export interface ProductHitSource {
  id: string;
  slug: string;
  name: string;
  brand: string | null;
  currency: string;
  priceMin: number;
  priceMax: number;
  available: number;
  inStock: boolean;
  attributes: string[];
  rating?: number | null;
  reviewCount?: number;
}

const hitFields = [
  'id',
  'slug',
  'name',
  'brand',
  'currency',
  'priceMin',
  'priceMax',
  'available',
  'inStock',
  'attributes',
  'rating',
  'reviewCount',
] as const satisfies readonly (keyof ProductHitSource)[];

type Query = estypes.QueryDslQueryContainer;

const all = (filters: Query[]): Query => (filters.length === 0 ? { match_all: {} } : { bool: { filter: filters } });

interface SkuConditions {
  attributes?: string[];
  inStock?: boolean;
  priceMin?: number;
  priceMax?: number;
}

/**
 * Conditions that must hold for one and the same SKU (nested): color:red + size:M finds a red
 * M, not a product with some red SKU and some other M SKU, and a price range matches a product
 * only if one of its (matching, in-stock when asked) SKUs costs that much.
 */
function skuFilter({ attributes = [], inStock = false, priceMin, priceMax }: SkuConditions): Query {
  const byKey = new Map<string, string[]>();
  for (const attribute of attributes) {
    const key = attribute.slice(0, attribute.indexOf(':'));
    byKey.set(key, [...(byKey.get(key) ?? []), attribute]);
  }
  const filters: Query[] = [...byKey.values()].map((values) => ({ terms: { 'skus.attributes': values } }));
  if (inStock) filters.push({ range: { 'skus.available': { gt: 0 } } });
  if (priceMin !== undefined || priceMax !== undefined) {
    filters.push({ range: { 'skus.priceAmount': { ...(priceMin !== undefined && { gte: priceMin }), ...(priceMax !== undefined && { lte: priceMax }) } } });
  }
  return all(filters);
}

const skuMatch = (conditions: SkuConditions): Query => ({ nested: { path: 'skus', query: skuFilter(conditions) } });

function sortFor(sort: ProductSort, hasText: boolean): estypes.SortCombinations[] {
  const tiebreak: estypes.SortCombinations = { id: { order: 'asc' } };
  const newest: estypes.SortCombinations = { createdAt: { order: 'desc' } };
  switch (sort) {
    case 'relevance':
      return hasText ? [{ _score: { order: 'desc' } }, newest, tiebreak] : [newest, tiebreak];
    case 'price_asc':
      return [{ priceMin: { order: 'asc' } }, tiebreak];
    case 'price_desc':
      return [{ priceMax: { order: 'desc' } }, tiebreak];
    case 'newest':
      return [newest, tiebreak];
    case 'rating':
      return [{ rating: { order: 'desc', missing: '_last' } }, { reviewCount: { order: 'desc' } }, tiebreak];
  }
}

export function priceBuckets(): { priceMin: number; priceMax?: number }[] {
  return PRICE_BUCKET_EDGES.map((edge, i) => {
    const next = PRICE_BUCKET_EDGES[i + 1];
    return next === undefined ? { priceMin: edge } : { priceMin: edge, priceMax: next - 1 };
  });
}

/**
 * Builds the one search request for GET /products. Facets are disjunctive: the filters that
 * have a facet (category, brand, price) go into post_filter, and each facet's aggregation
 * applies all of them except its own, so choosing a brand does not hide the other brands.
 */
export function buildProductSearchRequest(index: string, query: ProductSearchQuery): estypes.SearchRequest {
  const text = query.q?.trim() || undefined;
  const sku = { attributes: query.attr, inStock: query.inStock === true };
  const filters: Query[] = [{ term: { status: 'active' } }];
  // Without attributes, "some SKU in stock" is exactly the document's own inStock.
  if (query.attr) filters.push(skuMatch(sku));
  else if (query.inStock) filters.push({ term: { inStock: true } });
  if (query.minRating !== undefined) filters.push({ range: { rating: { gte: query.minRating } } });

  const hasPrice = query.priceMin !== undefined || query.priceMax !== undefined;
  const faceted = {
    category: query.category === undefined ? undefined : ({ term: { categoryPath: query.category } } satisfies Query),
    brand: query.brand === undefined ? undefined : ({ terms: { 'brand.raw': query.brand } } satisfies Query),
    price: hasPrice ? skuMatch({ ...sku, priceMin: query.priceMin, priceMax: query.priceMax }) : undefined,
  };
  const except = (facet: keyof typeof faceted): Query =>
    all(
      Object.entries(faceted)
        .filter(([name, filter]) => name !== facet && filter !== undefined)
        .map(([, filter]) => filter as Query),
    );
  const postFilters = Object.values(faceted).filter((filter): filter is Query => filter !== undefined);

  return {
    index,
    // A missing index (nothing indexed yet) is an empty catalog, not an error.
    ignore_unavailable: true,
    track_total_hits: true,
    from: (query.page - 1) * query.pageSize,
    size: query.pageSize,
    _source: [...hitFields],
    query: {
      bool: {
        ...(text && {
          must: [{ multi_match: { query: text, fields: ['name^3', 'brand^2', 'description'], type: 'cross_fields', operator: 'and' } }],
        }),
        filter: filters,
      },
    },
    ...(postFilters.length > 0 && { post_filter: all(postFilters) }),
    aggs: {
      category: { filter: except('category'), aggs: { values: { terms: { field: 'categoryPath', size: CATEGORY_FACET_SIZE } } } },
      brand: { filter: except('brand'), aggs: { values: { terms: { field: 'brand.raw', size: BRAND_FACET_SIZE } } } },
      // Over the SKUs that pass the SKU-level filters, counted back as products (reverse_nested),
      // so a bucket counts exactly the products that choosing it returns.
      price: {
        filter: except('price'),
        aggs: {
          skus: {
            nested: { path: 'skus' },
            aggs: {
              matching: {
                filter: skuFilter(sku),
                aggs: {
                  values: {
                    range: {
                      field: 'skus.priceAmount',
                      ranges: priceBuckets().map(({ priceMin, priceMax }) => ({ from: priceMin, ...(priceMax !== undefined && { to: priceMax + 1 }) })),
                    },
                    aggs: { products: { reverse_nested: {} } },
                  },
                },
              },
            },
          },
        },
      },
    },
    sort: sortFor(query.sort, text !== undefined),
    ...(text && {
      highlight: {
        // Matches come back as HTML; escaping the stored text keeps it safe to render.
        encoder: 'html',
        pre_tags: ['<em>'],
        post_tags: ['</em>'],
        fields: { name: { number_of_fragments: 0 }, description: { fragment_size: 150, number_of_fragments: 2 } },
      },
    }),
  };
}

export const productSearchResult = z.object({
  total: z.number().int().describe('All matching products (exact).'),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int().describe(`Pages that can be fetched (the first ${MAX_RESULT_WINDOW} results at most).`),
  items: z.array(
    z.object({
      id: z.string(),
      slug: z.string(),
      name: z.string(),
      brand: z.string().nullable(),
      priceMin: z.number().int().describe('Lowest SKU price, minor units'),
      priceMax: z.number().int().describe('Highest SKU price, minor units'),
      currency: z.string(),
      available: z.number().int(),
      inStock: z.boolean(),
      rating: z.number().nullable().describe('Average stars, null before the first review'),
      reviewCount: z.number().int(),
      attributes: z.array(z.string()).describe('key:value over all active SKUs'),
      highlight: z
        .object({ name: z.array(z.string()).optional(), description: z.array(z.string()).optional() })
        .describe('Matched fragments with <em> around the matches, HTML-escaped; empty without q.'),
    }),
  ),
  facets: z.object({
    category: z.array(z.object({ path: z.string(), count: z.number().int() })),
    brand: z.array(z.object({ brand: z.string(), count: z.number().int() })),
    price: z
      .array(z.object({ priceMin: z.number().int(), priceMax: z.number().int().optional(), count: z.number().int() }))
      .describe('Fixed buckets; a bucket\'s bounds used as priceMin/priceMax return exactly its count.'),
  }),
});

export type ProductSearchResult = z.infer<typeof productSearchResult>;

interface TermsFacet {
  values?: { buckets?: { key: string | number; doc_count: number }[] };
}
interface PriceFacet {
  skus?: { matching?: { values?: { buckets?: { products?: { doc_count: number } }[] } } };
}

export function toProductSearchResult(response: estypes.SearchResponse<ProductHitSource>, query: ProductSearchQuery): ProductSearchResult {
  const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
  const aggs = (response.aggregations ?? {}) as Record<string, unknown>;
  const terms = (name: string) => ((aggs[name] as TermsFacet | undefined)?.values?.buckets ?? []).map((b) => ({ key: String(b.key), count: b.doc_count }));
  const priceCounts = (aggs.price as PriceFacet | undefined)?.skus?.matching?.values?.buckets ?? [];
  return {
    total,
    page: query.page,
    pageSize: query.pageSize,
    pageCount: Math.ceil(Math.min(total, MAX_RESULT_WINDOW) / query.pageSize),
    items: response.hits.hits.flatMap((hit) => {
      const source = hit._source;
      if (!source) return [];
      return [
        {
          id: source.id,
          slug: source.slug,
          name: source.name,
          brand: source.brand,
          priceMin: source.priceMin,
          priceMax: source.priceMax,
          currency: source.currency,
          available: source.available,
          inStock: source.inStock,
          rating: source.rating ?? null,
          reviewCount: source.reviewCount ?? 0,
          attributes: source.attributes,
          highlight: {
            ...(hit.highlight?.name && { name: hit.highlight.name }),
            ...(hit.highlight?.description && { description: hit.highlight.description }),
          },
        },
      ];
    }),
    facets: {
      category: terms('category').map(({ key, count }) => ({ path: key, count })),
      brand: terms('brand').map(({ key, count }) => ({ brand: key, count })),
      price: priceBuckets().map((bucket, i) => ({ ...bucket, count: priceCounts[i]?.products?.doc_count ?? 0 })),
    },
  };
}
