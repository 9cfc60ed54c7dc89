import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import type { ProductSearchDocument } from '../../db/product-search-documents';
import { testIndices } from './test-stack';

/**
 * Waits until search holds the product's current database version (the real condition the
 * sync workflows drive towards), polling; fails after `timeoutMs`.
 */
export async function indexedDocument(db: Kysely<Database>, es: Elasticsearch, productId: string, timeoutMs = 20_000): Promise<ProductSearchDocument> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { search_version } = await db.selectFrom('products').select('search_version').where('id', '=', productId).executeTakeFirstOrThrow();
    // 503: an index created moments ago has no started shard yet (no_shard_available_action_exception): not indexed yet either.
    const doc = await es.get<ProductSearchDocument>({ index: testIndices().products.name, id: productId }, { ignore: [404, 503] });
    if (doc.found && doc._version === search_version) return doc._source!;
    if (Date.now() > deadline) throw new Error(`product ${productId} not indexed at version ${search_version} (index has ${doc._version ?? 'nothing'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
