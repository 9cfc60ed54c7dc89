import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { SearchIndices } from '../../platform/search-indices';

export interface SearchDrift {
  index: 'products' | 'orders';
  id: string;
  /** missing: not in the index; lagging: an older version; ahead: a version the row never had; orphan: no row. */
  kind: 'missing' | 'lagging' | 'ahead' | 'orphan';
  databaseVersion: number | null;
  indexVersion: number | null;
}

export interface SearchDriftScope {
  /** Only these products and orders (a test's own); every row and document when absent. */
  productIds?: string[];
  orderIds?: string[];
}

const PAGE = 1_000;

/**
 * Compares the search indices with PostgreSQL, document by document: each row's search_version
 * must be exactly the version of its document. Read-only; `npm run reconcile:search` runs it.
 */
export async function findSearchDrift({ db, es, indices }: { db: Kysely<Database>; es: Client; indices: SearchIndices }, scope: SearchDriftScope = {}): Promise<SearchDrift[]> {
  const { productIds, orderIds } = scope;
  const [productRows, orderRows] = await Promise.all([
    productIds?.length === 0 ? [] : db.selectFrom('products').select(['id', 'search_version']).$if(productIds !== undefined, (q) => q.where('id', 'in', productIds!)).execute(),
    orderIds?.length === 0 ? [] : db.selectFrom('orders').select(['id', 'search_version']).$if(orderIds !== undefined, (q) => q.where('id', 'in', orderIds!)).execute(),
  ]);
  const [productVersions, orderVersions] = await Promise.all([
    indexedVersions(es, indices.products.name, productIds),
    indexedVersions(es, indices.orders.name, orderIds),
  ]);
  return [...compare('products', productRows, productVersions), ...compare('orders', orderRows, orderVersions)];
}

function compare(index: SearchDrift['index'], rows: { id: string; search_version: number }[], indexed: Map<string, number>): SearchDrift[] {
  const drift: SearchDrift[] = [];
  for (const { id, search_version: version } of rows) {
    const found = indexed.get(id);
    indexed.delete(id);
    if (found === version) continue;
    const kind = found === undefined ? 'missing' : found < version ? 'lagging' : 'ahead';
    drift.push({ index, id, kind, databaseVersion: version, indexVersion: found ?? null });
  }
  for (const [id, found] of indexed) drift.push({ index, id, kind: 'orphan', databaseVersion: null, indexVersion: found });
  return drift;
}

/** Every document's id and version (or only those of `ids`), without their sources. */
async function indexedVersions(es: Client, index: string, ids?: string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  // Search sees what the last refresh published; a reconciliation must see every acknowledged write.
  await es.indices.refresh({ index, ignore_unavailable: true });
  const query = ids ? { ids: { values: ids } } : { match_all: {} };
  let page = await es.search({ index, query, size: PAGE, _source: false, version: true, scroll: '1m', ignore_unavailable: true });
  try {
    while (page.hits.hits.length > 0) {
      for (const hit of page.hits.hits) versions.set(hit._id!, hit._version!);
      if (!page._scroll_id) break;
      page = await es.scroll({ scroll_id: page._scroll_id, scroll: '1m' });
    }
  } finally {
    if (page._scroll_id) await es.clearScroll({ scroll_id: page._scroll_id }).catch(() => undefined);
  }
  return versions;
}
