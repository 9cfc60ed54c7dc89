import { log } from '@temporalio/activity';
import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findStaleOrderIds, loadOrderSearchDocuments, markOrdersIndexed } from '../../db/order-search-documents';
import { findStaleProductIds, loadProductSearchDocuments, markProductsIndexed } from '../../db/product-search-documents';
import { ensureSearchIndices, type SearchIndices } from '../../platform/search-indices';

export interface SearchActivityDeps {
  db: Kysely<Database>;
  es: Client;
  indices: SearchIndices;
}

export interface DocumentsIndexed {
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
    async indexProducts(productIds: string[]): Promise<DocumentsIndexed> {
      await ensureIndices();
      const documents = (await loadProductSearchDocuments(db, productIds)).map(({ version, document }) => ({ id: document.id, version, document }));
      const result = await bulkIndex(indices.products.name, documents, productIds.length, (written) => markProductsIndexed(db, written));
      log.info('products indexed', { indexed: result.indexed, superseded: result.superseded });
      return result;
    },

    /** Orders whose support-search document lags their database state, oldest change first. */
    async findStaleOrders(limit: number): Promise<string[]> {
      return findStaleOrderIds(db, limit);
    },

    indexOrders,

    /** One order's document, right after it changed (the catch-up heals a miss). */
    async indexOrder(orderId: string): Promise<'indexed' | 'superseded' | 'missing'> {
      const result = await indexOrders([orderId]);
      return result.indexed ? 'indexed' : result.superseded ? 'superseded' : 'missing';
    },
  };

  /** Writes the current state of orders to the orders index, versioned like products: safe to repeat, never backwards. */
  async function indexOrders(orderIds: string[]): Promise<DocumentsIndexed> {
    await ensureIndices();
    const documents = (await loadOrderSearchDocuments(db, orderIds)).map(({ version, document }) => ({ id: document.orderId, version, document }));
    return bulkIndex(indices.orders.name, documents, orderIds.length, (written) => markOrdersIndexed(db, written));
  }

  /**
   * One bulk write with external versions. What Elasticsearch already holds at that version or
   * newer counts as written; what was written is recorded (`mark`) before any failure is raised,
   * so a retry only redoes the rest.
   */
  async function bulkIndex(
    index: string,
    documents: { id: string; version: number; document: object }[],
    asked: number,
    mark: (written: { id: string; version: number }[]) => Promise<void>,
  ): Promise<DocumentsIndexed> {
    const result = { indexed: 0, superseded: 0, missing: asked - documents.length };
    if (documents.length === 0) return result;
    const response = await es.bulk({
      operations: documents.flatMap(({ id, version, document }) => [{ index: { _index: index, _id: id, version, version_type: 'external_gte' as const } }, document]),
    });
    const written: { id: string; version: number }[] = [];
    const failures: string[] = [];
    for (const [position, item] of response.items.entries()) {
      const outcome = item.index;
      if (!outcome) continue;
      const { id, version } = documents[position]!;
      if (outcome.status >= 200 && outcome.status < 300) {
        result.indexed += 1;
        written.push({ id, version });
      } else if (outcome.status === 409) {
        // The index already holds this version or a newer one: as far as we are concerned, it is current.
        result.superseded += 1;
        written.push({ id, version });
      } else failures.push(`${outcome._id}: ${outcome.error?.type ?? outcome.status} ${outcome.error?.reason ?? ''}`);
    }
    await mark(written);
    if (failures.length > 0) throw new Error(`indexing failed for ${failures.length} documents in ${index}: ${failures.slice(0, 5).join('; ')}`);
    return result;
  }
}

export type SearchActivities = ReturnType<typeof createSearchActivities>;
