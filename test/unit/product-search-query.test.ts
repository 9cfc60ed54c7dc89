import assert from 'node:assert/strict';
import type { estypes } from '@elastic/elasticsearch';
import {
  buildProductSearchRequest,
  MAX_RESULT_WINDOW,
  priceBuckets,
  PRICE_BUCKET_EDGES,
  productSearchQuery,
  toProductSearchResult,
  type ProductHitSource,
  type ProductSearchQuery,
} from '../../api/read-models/product-search-query';

type Query = estypes.QueryDslQueryContainer;

const parse = (params: Record<string, unknown>): ProductSearchQuery => {
  const result = productSearchQuery.safeParse(params);
  assert.ok(result.success, JSON.stringify(result.error?.issues));
  return result.data;
};
const issues = (params: Record<string, unknown>) => {
  const result = productSearchQuery.safeParse(params);
  assert.ok(!result.success, `expected ${JSON.stringify(params)} to be refused`);
  return result.error.issues.map((issue) => issue.path.join('.'));
};
const build = (params: Record<string, unknown>) => buildProductSearchRequest('products', parse(params));
const filtersOf = (request: estypes.SearchRequest): Query[] => request.query!.bool!.filter as Query[];
const postFiltersOf = (request: estypes.SearchRequest): Query[] => (request.post_filter?.bool?.filter as Query[] | undefined) ?? [];
const facetFilter = (request: estypes.SearchRequest, facet: 'category' | 'brand' | 'price'): Query => request.aggs![facet]!.filter!;

describe('product search query (pure)', () => {
  describe('parameters', () => {
    it('has defaults: page 1, 20 per page, relevance', () => {
      assert.deepEqual(parse({}), { sort: 'relevance', page: 1, pageSize: 20 });
    });

    it('turns repeatable parameters into arrays, once or many times given, without duplicates', () => {
      assert.deepEqual(parse({ brand: 'Acme' }).brand, ['Acme']);
      assert.deepEqual(parse({ brand: ['Acme', 'Brio', 'Acme'] }).brand, ['Acme', 'Brio']);
      assert.deepEqual(parse({ attr: 'color:navy blue' }).attr, ['color:navy blue']);
      assert.deepEqual(parse({ attr: 'ratio:16:9' }).attr, ['ratio:16:9'], 'the value may contain a colon');
    });

    it('converts numbers and booleans from their query-string form', () => {
      const query = parse({ priceMin: '0', priceMax: '2500', inStock: 'true', minRating: '4.5', page: '3', pageSize: '50' });
      assert.deepEqual(
        [query.priceMin, query.priceMax, query.inStock, query.minRating, query.page, query.pageSize],
        [0, 2500, true, 4.5, 3, 50],
      );
      assert.equal(parse({ inStock: 'false' }).inStock, false);
    });

    it('refuses what it does not know, and every value out of bounds', () => {
      assert.deepEqual(issues({ colour: 'red' }), ['']);
      assert.deepEqual(issues({ pageSize: '0' }), ['pageSize']);
      assert.deepEqual(issues({ pageSize: '51' }), ['pageSize']);
      assert.deepEqual(issues({ page: '' }), ['page']);
      assert.deepEqual(issues({ priceMin: '1e3' }), ['priceMin']);
      assert.deepEqual(issues({ priceMax: '10000000000001' }), ['priceMax']);
      assert.deepEqual(issues({ minRating: '4.55' }), ['minRating']);
      assert.deepEqual(issues({ attr: ['color:red', 'nocolon'] }), ['attr.1']);
      assert.deepEqual(issues({ brand: [] }), ['brand']);
      assert.deepEqual(issues({ brand: '' }), ['brand']);
      assert.deepEqual(issues({ category: 'apparel//shoes' }), ['category']);
      assert.deepEqual(issues({ q: ['a', 'b'] }), ['q']);
    });

    it('refuses priceMin above priceMax, and pages past the result window', () => {
      assert.deepEqual(issues({ priceMin: '2', priceMax: '1' }), ['priceMin']);
      assert.equal(parse({ priceMin: '1', priceMax: '1' }).priceMin, 1);
      assert.equal(parse({ page: String(MAX_RESULT_WINDOW / 50), pageSize: '50' }).page, 200);
      assert.deepEqual(issues({ page: String(MAX_RESULT_WINDOW / 50 + 1), pageSize: '50' }), ['page']);
      assert.deepEqual(issues({ page: '501' }), ['page']);
    });
  });

  describe('request', () => {
    it('pages with from/size, counts exactly, only active products, and tolerates a missing index', () => {
      const request = build({ page: '3', pageSize: '10' });
      assert.equal(request.from, 20);
      assert.equal(request.size, 10);
      assert.equal(request.track_total_hits, true);
      assert.equal(request.ignore_unavailable, true);
      assert.deepEqual(filtersOf(request), [{ term: { status: 'active' } }]);
      assert.equal(request.post_filter, undefined);
      assert.equal(request.query!.bool!.must, undefined);
    });

    it('searches text in name, brand and description with name weighted highest, and highlights it', () => {
      const request = build({ q: '  red boots ' });
      assert.deepEqual(request.query!.bool!.must, [
        { multi_match: { query: 'red boots', fields: ['name^3', 'brand^2', 'description'], type: 'cross_fields', operator: 'and' } },
      ]);
      assert.deepEqual(Object.keys(request.highlight!.fields as object), ['name', 'description']);
      assert.deepEqual([request.highlight!.pre_tags, request.highlight!.post_tags, request.highlight!.encoder], [['<em>'], ['</em>'], 'html']);
      assert.equal(build({ q: '   ' }).highlight, undefined, 'blank text is no text');
    });

    it('sorts by relevance only when there is text, newest otherwise, always with a stable tiebreak', () => {
      const sorts = (params: Record<string, unknown>) => build(params).sort;
      assert.deepEqual(sorts({ q: 'x' }), [{ _score: { order: 'desc' } }, { createdAt: { order: 'desc' } }, { id: { order: 'asc' } }]);
      assert.deepEqual(sorts({}), [{ createdAt: { order: 'desc' } }, { id: { order: 'asc' } }]);
      assert.deepEqual(sorts({ sort: 'newest', q: 'x' }), [{ createdAt: { order: 'desc' } }, { id: { order: 'asc' } }]);
      assert.deepEqual(sorts({ sort: 'price_asc' }), [{ priceMin: { order: 'asc' } }, { id: { order: 'asc' } }]);
      assert.deepEqual(sorts({ sort: 'price_desc' }), [{ priceMax: { order: 'desc' } }, { id: { order: 'asc' } }]);
      assert.deepEqual(sorts({ sort: 'rating' }), [
        { rating: { order: 'desc', missing: '_last' } },
        { reviewCount: { order: 'desc' } },
        { id: { order: 'asc' } },
      ]);
    });

    it('puts faceted filters in post_filter and lets each facet ignore only its own', () => {
      const request = build({ category: 'apparel/shoes', brand: ['Acme', 'Brio'], priceMin: '1000' });
      const category: Query = { term: { categoryPath: 'apparel/shoes' } };
      const brand: Query = { terms: { 'brand.raw': ['Acme', 'Brio'] } };
      const price: Query = { nested: { path: 'skus', query: { bool: { filter: [{ range: { 'skus.priceAmount': { gte: 1000 } } }] } } } };
      assert.deepEqual(postFiltersOf(request), [category, brand, price]);
      assert.deepEqual(filtersOf(request), [{ term: { status: 'active' } }], 'faceted filters stay out of the main query');
      assert.deepEqual(facetFilter(request, 'category'), { bool: { filter: [brand, price] } });
      assert.deepEqual(facetFilter(request, 'brand'), { bool: { filter: [category, price] } });
      assert.deepEqual(facetFilter(request, 'price'), { bool: { filter: [category, brand] } });
      assert.deepEqual(facetFilter(build({ brand: 'Acme' }), 'brand'), { match_all: {} });
    });

    it('matches attributes, stock and price within one SKU', () => {
      const request = build({ attr: ['color:red', 'size:M', 'color:blue'], inStock: 'true', priceMax: '5000' });
      const sameSku = [
        { terms: { 'skus.attributes': ['color:red', 'color:blue'] } },
        { terms: { 'skus.attributes': ['size:M'] } },
        { range: { 'skus.available': { gt: 0 } } },
      ];
      assert.deepEqual(filtersOf(request)[1], { nested: { path: 'skus', query: { bool: { filter: sameSku } } } });
      assert.deepEqual(postFiltersOf(request), [
        { nested: { path: 'skus', query: { bool: { filter: [...sameSku, { range: { 'skus.priceAmount': { lte: 5000 } } }] } } } },
      ]);
      assert.deepEqual(filtersOf(build({ inStock: 'true' })), [{ term: { status: 'active' } }, { term: { inStock: true } }]);
      assert.deepEqual(filtersOf(build({ inStock: 'false' })), [{ term: { status: 'active' } }]);
      assert.deepEqual(filtersOf(build({ minRating: '4' }))[1], { range: { rating: { gte: 4 } } });
    });

    it('has contiguous price buckets whose bounds are valid priceMin/priceMax pairs', () => {
      const buckets = priceBuckets();
      assert.equal(buckets.length, PRICE_BUCKET_EDGES.length);
      assert.equal(buckets[0]!.priceMin, 0);
      assert.equal(buckets.at(-1)!.priceMax, undefined);
      for (const [i, bucket] of buckets.slice(1).entries()) assert.equal(bucket.priceMin, buckets[i]!.priceMax! + 1);
      const price = build({ attr: 'color:red', inStock: 'true', priceMin: '5000' }).aggs!.price!;
      assert.deepEqual(price.filter, { match_all: {} }, 'the price facet ignores the price filter');
      assert.deepEqual(price.aggs!.skus!.nested, { path: 'skus' });
      const matching = price.aggs!.skus!.aggs!.matching!;
      assert.deepEqual(matching.filter, {
        bool: { filter: [{ terms: { 'skus.attributes': ['color:red'] } }, { range: { 'skus.available': { gt: 0 } } }] },
      });
      const range = matching.aggs!.values!;
      assert.deepEqual(range.range!.ranges!.slice(0, 2), [
        { from: 0, to: 1000 },
        { from: 1000, to: 2500 },
      ]);
      assert.deepEqual(range.range!.ranges!.at(-1), { from: 50_000 });
      assert.deepEqual(range.aggs, { products: { reverse_nested: {} } }, 'counted as products, not SKUs');
    });
  });

  describe('result', () => {
    const hit = (id: string, extra: Partial<ProductHitSource> = {}): estypes.SearchHit<ProductHitSource> => ({
      _index: 'products',
      _id: id,
      _source: {
        id,
        slug: id,
        name: `Product ${id}`,
        brand: null,
        currency: 'USD',
        priceMin: 100,
        priceMax: 200,
        available: 1,
        inStock: true,
        attributes: [],
        ...extra,
      },
    });
    const response = (hits: estypes.SearchHit<ProductHitSource>[], total: number, aggregations?: Record<string, unknown>) =>
      ({
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, failed: 0 },
        hits: { total: { value: total, relation: 'eq' }, hits },
        ...(aggregations && { aggregations }),
      }) as estypes.SearchResponse<ProductHitSource>;

    it('maps hits, with documents written before ratings existed read as unrated', () => {
      const result = toProductSearchResult(
        response([{ ...hit('a', { rating: 4.5, reviewCount: 3 }), highlight: { name: ['<em>A</em>'] } }, hit('b')], 2),
        parse({}),
      );
      assert.deepEqual(
        result.items.map((item) => [item.id, item.rating, item.reviewCount, item.highlight]),
        [
          ['a', 4.5, 3, { name: ['<em>A</em>'] }],
          ['b', null, 0, {}],
        ],
      );
    });

    it('reads facets, and answers empty facets when there were no aggregations (no index)', () => {
      const result = toProductSearchResult(
        response([], 3, {
          category: { doc_count: 3, values: { buckets: [{ key: 'apparel', doc_count: 3 }] } },
          brand: { doc_count: 3, values: { buckets: [{ key: 'Acme', doc_count: 2 }] } },
          price: {
            doc_count: 3,
            skus: {
              doc_count: 5,
              matching: { doc_count: 5, values: { buckets: [{ doc_count: 1, products: { doc_count: 1 } }, { doc_count: 4, products: { doc_count: 2 } }] } },
            },
          },
        }),
        parse({}),
      );
      assert.deepEqual(result.facets.category, [{ path: 'apparel', count: 3 }]);
      assert.deepEqual(result.facets.brand, [{ brand: 'Acme', count: 2 }]);
      assert.deepEqual(result.facets.price.slice(0, 2), [
        { priceMin: 0, priceMax: 999, count: 1 },
        { priceMin: 1000, priceMax: 2499, count: 2 },
      ]);

      const empty = toProductSearchResult(response([], 0), parse({}));
      assert.deepEqual([empty.total, empty.items, empty.facets.category, empty.facets.brand], [0, [], [], []]);
      assert.ok(empty.facets.price.every((bucket) => bucket.count === 0));
    });

    it('counts only the pages that can be fetched', () => {
      assert.equal(toProductSearchResult(response([], 45), parse({ pageSize: '20' })).pageCount, 3);
      assert.equal(toProductSearchResult(response([], 0), parse({})).pageCount, 0);
      assert.equal(toProductSearchResult(response([], 250_000), parse({ pageSize: '50' })).pageCount, MAX_RESULT_WINDOW / 50);
    });
  });
});
