import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';
import { Problem } from '../http/problem';
import { isSearchOutage } from '../read-models/search-outage';
import { createProductDetailReader, productDetail, productRef } from '../read-models/product-detail';
import {
  buildProductSearchRequest,
  productSearchQuery,
  productSearchResult,
  toProductSearchResult,
  type ProductHitSource,
} from '../read-models/product-search-query';

/** A storefront search that has not answered by now will not help the shopper; fail fast to the 503. */
const SEARCH_TIMEOUT_MS = 3_000;
const SEARCH_RETRY_AFTER_SECONDS = 5;

export function productRoutes(api: ApiRouter, { db, redis, es, indices }: AppDeps): void {
  const details = createProductDetailReader({ db, redis });

  api.route(
    {
      method: 'get',
      path: '/products',
      operationId: 'searchProducts',
      summary: 'Search the catalog',
      description:
        'Full-text search with filters, disjunctive facets (each facet counts as if its own filter were not set), sorting, pagination and highlighted matches, over active products only. Served from the Elasticsearch read model, which may lag PostgreSQL by a moment; GET /products/{id} is authoritative. When search is down the answer is a 503 `search-unavailable` problem with Retry-After.',
      tag: 'Storefront',
      query: productSearchQuery,
      responses: {
        200: { description: 'One page of matching products, the total and the facets', schema: productSearchResult },
        400: { description: 'Invalid or unknown query parameters, or a page beyond the first 10,000 results', problems: ['validation-failed'] },
        503: { description: 'Search is unavailable; retry after the Retry-After delay', problems: ['search-unavailable'] },
      },
    },
    async ({ query, res }) => {
      let response;
      try {
        response = await es.search<ProductHitSource>(buildProductSearchRequest(indices.products.name, query), {
          requestTimeout: SEARCH_TIMEOUT_MS,
          maxRetries: 0,
        });
      } catch (error) {
        if (!isSearchOutage(error)) throw error;
        throw new Problem(
          'search-unavailable',
          'Product search is not answering; product pages still work.',
          {},
          { 'Retry-After': String(SEARCH_RETRY_AFTER_SECONDS) },
        );
      }
      res.json(toProductSearchResult(response, query));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/products/:id',
      operationId: 'getProduct',
      summary: 'A product with its SKUs, prices and availability',
      description:
        'From PostgreSQL, the source of truth, through a read-through Redis cache (`X-Cache: hit|miss`; an entry lives at most a minute and is deleted on every change to the product). Accepts the product id or its slug. Inactive products are 404.',
      tag: 'Storefront',
      params: z.strictObject({ id: productRef.describe('Product id (uuid) or slug') }),
      responses: {
        200: { description: 'The product', schema: productDetail },
        400: { description: 'Not a product id or slug', problems: ['validation-failed'] },
        404: { description: 'No active product with that id or slug', problems: ['not-found'] },
      },
    },
    async ({ params, req, res }) => {
      const found = await details.read(params.id, req.log);
      if (!found) throw new Problem('not-found', `No product ${params.id}.`);
      res.set('X-Cache', found.cache).json(found.detail);
    },
  );
}
