import { log } from '@temporalio/activity';
import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { loadOrderSearchDocument } from '../../db/order-search-documents';
import { findStaleProductIds, loadProductSearchDocuments, markProductsIndexed } from '../../db/product-search-documents';
import { ensureSearchIndices, type SearchIndices } from '../../platform/search-indices';

export interface SearchActivityDeps {
  db: Kysely<Database>;
  es: Client;
  indices: SearchIndices;
}

export interface ProductsIndexed {
  indexed: number;
  /** Already newer in the index: a late or retried write that must not roll it back. */
  superseded: number;
  missing: number;
}

export function createSearchActivities({ db, es, indices }: SearchActivityDeps) {
  // Mappings are applied on first use rather than at worker start, so a worker that starts
  // while Elasticsearch is down still runs, and indexing catches up once it is back.
  let indicesReady: Promise<void> | undefined;
  const ensureIndices = (): Promise<void> =>
    (indicesReady ??= ensureSearchIndices(es, indices).catch((error: unknown) => {
      indicesReady = undefined;
      throw error;
    }));

  return {
    /** Products whose search document lags their database state, oldest change first. */
    async findStaleProducts(limit: number): Promise<string[]> {
      return findStaleProductIds(db, limit);
    },

    /**
     * Writes the current state of products to the search index. Each document carries the
     * product's search_version as an external version, so Elasticsearch itself refuses to let
     * an older state overwrite a newer one; running this twice is harmless.
     */
    async indexProducts(productIds: string[]): Promise<ProductsIndexed> {
      await ensureIndices();
      const documents = await loadProductSearchDocuments(db, productIds);
      if (documents.length === 0) return { indexed: 0, superseded: 0, missing: productIds.length };
      const response = await es.bulk({
        operations: documents.flatMap(({ version, document }) => [
          { index: { _index: indices.products.name, _id: document.id, version, version_type: 'external_gte' as const } },
          document,
        ]),
      });
      let indexed = 0;
      let superseded = 0;
      const failures: string[] = [];
      const written: { id: string; version: number }[] = [];
      for (const [position, item] of response.items.entries()) {
        const result = item.index;
        if (!result) continue;
        const { document, version } = documents[position]!;
        if (result.status >= 200 && result.status < 300) {
          indexed += 1;
          written.push({ id: document.id, version });
        } else if (result.status === 409) {
          // The index already holds this version or a newer one: as far as we are concerned, it is current.
          superseded += 1;
          written.push({ id: document.id, version });
        } else failures.push(`${result._id}: ${result.error?.type ?? result.status} ${result.error?.reason ?? ''}`);
      }
      await markProductsIndexed(db, written);
      if (failures.length > 0) throw new Error(`indexing failed for ${failures.length} products: ${failures.slice(0, 5).join('; ')}`);
      log.info('products indexed', { indexed, superseded });
      return { indexed, superseded, missing: productIds.length - documents.length };
    },

    /** Writes the order's support-search document; versioned by its last update, so safe to repeat. */
    async indexOrder(orderId: string): Promise<'indexed' | 'superseded' | 'missing'> {
      await ensureIndices();
      const loaded = await loadOrderSearchDocument(db, orderId);
      if (!loaded) return 'missing';
      try {
        await es.index({ index: indices.orders.name, id: orderId, document: loaded.document, version: loaded.version, version_type: 'external_gte' });
        return 'indexed';
      } catch (error) {
        if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 409) return 'superseded';
        throw error;
      }
    },
  };
}

export type SearchActivities = ReturnType<typeof createSearchActivities>;
