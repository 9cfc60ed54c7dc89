import assert from 'node:assert/strict';
import { MockActivityEnvironment } from '@temporalio/testing';
import { quietLogger } from '../support/test-stack';
import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import { createSearchActivities } from '../../activities/search-activities';
import type { Database } from '../../db/database';
import type { ProductSearchDocument } from '../../db/product-search-documents';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createStockedSku, createTestDb } from '../support/db-fixtures';
import { testConfig, testIndices } from '../support/test-stack';

describe('search activities (real Elasticsearch)', () => {
  let db: Kysely<Database>;
  let es: Elasticsearch;
  const indices = testIndices();
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  const run = <A extends unknown[], R>(activity: (...args: A) => Promise<R>, ...args: A) => env.run(activity, ...args) as Promise<R>;

  before(() => {
    db = createTestDb();
    es = createElasticsearch(testConfig().elasticsearch);
  });
  after(async () => {
    await db.destroy();
    await es.close();
  });

  const fetch = async (id: string) => {
    const doc = await es.get<ProductSearchDocument>({ index: indices.products.name, id });
    return { version: doc._version, source: doc._source! };
  };

  it('creates the index on first use and writes availability as on_hand minus reserved over warehouses', async () => {
    const { sku, productId } = await createStockedSku(db, 12);
    await db.updateTable('inventory').set({ reserved: 5 }).where('sku', '=', sku).execute();
    const activities = createSearchActivities({ db, es, indices });

    const result = await run(activities.indexProducts, [productId]);

    assert.deepEqual(result, { indexed: 1, superseded: 0, missing: 0 });
    const { source } = await fetch(productId);
    assert.equal(source.available, 7);
    assert.equal(source.inStock, true);
    assert.deepEqual(
      source.skus.map((s) => [s.sku, s.available]),
      [[sku, 7]],
    );
    assert.deepEqual(source.attributes, ['size:M']);
  });

  it('never lets an older state roll a newer document back', async () => {
    const { sku, productId } = await createStockedSku(db, 3);
    const activities = createSearchActivities({ db, es, indices });
    await run(activities.indexProducts, [productId]);
    const indexedVersion = (await fetch(productId)).version!;

    // A newer state is written by someone else first (version + 5)...
    await db.updateTable('inventory').set({ on_hand: 9 }).where('sku', '=', sku).execute();
    await db.updateTable('products').set({ search_version: indexedVersion + 5 }).where('id', '=', productId).execute();
    await run(activities.indexProducts, [productId]);
    // ...then a late write carrying an older version arrives.
    await db.updateTable('products').set({ search_version: indexedVersion + 1 }).where('id', '=', productId).execute();
    await db.updateTable('inventory').set({ on_hand: 1 }).where('sku', '=', sku).execute();
    const late = await run(activities.indexProducts, [productId]);

    assert.equal(late.superseded, 1);
    const current = await fetch(productId);
    assert.equal(current.version, indexedVersion + 5);
    assert.equal(current.source.available, 9);
  });

  it('reports products that no longer exist as missing', async () => {
    const activities = createSearchActivities({ db, es, indices });
    const result = await run(activities.indexProducts, ['00000000-0000-0000-0000-000000000000']);
    assert.deepEqual(result, { indexed: 0, superseded: 0, missing: 1 });
  });
});
