// Compares the products and orders search indices with PostgreSQL; exits 1 listing the drift.
//   npm run reconcile:search
import { findSearchDrift } from '../activities/search/find-search-drift';
import { createDb } from '../db/create-db';
import { loadConfig } from '../platform/config';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { searchIndices } from '../platform/search-indices';
import { runMain } from '../platform/run-main';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = createDb({ url: config.postgres.url, poolSize: 2, applicationName: 'reconcile-search' });
  const es = createElasticsearch(config.elasticsearch);
  try {
    const drift = await findSearchDrift({ db, es, indices: searchIndices(config.elasticsearch.indexPrefix) });
    if (drift.length === 0) {
      console.log('search indices match PostgreSQL: every product and order at its current version');
      return 0;
    }
    console.log(`${drift.length} document(s) drifted (the catch-up schedules heal lagging and missing ones):`);
    console.table(drift);
    return 1;
  } finally {
    await Promise.allSettled([db.destroy(), es.close()]);
  }
}

runMain(main);
