// Storefront benchmark: seeds N products (default 10,000) into its own database and index, then
// measures search, product detail (cached and uncached), add-to-cart and a bare Express route
// under one load generator, side by side in one run, and prints a table.
//   npm run bench:storefront -- [--products 10000] [--duration 10] [--connections 20]
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import autocannon, { type Options, type Result } from 'autocannon';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime, DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrator';
import { seedCatalog } from './seed/seed-catalog';
import { loadConfig } from '../platform/config';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { createRedis } from '../platform/create-redis';
import { createStripe } from '../platform/create-stripe';
import { searchIndices } from '../platform/search-indices';
import { catchUpSearchIndexWorkflowType, type CatchUpSearchIndexWorkflow } from '../workflows/search/catch-up-search-index.messages';
import { searchAttributes } from '../workflows/shared/search-attributes';
import { taskQueues } from '../workflows/shared/task-queues';
import { createWorkers } from '../workers/create-workers';

const { values: args } = parseArgs({
  options: {
    products: { type: 'string', default: '10000' },
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
  },
});
const PRODUCTS = Number(args.products);
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);

const CLOCK_TICKS = 100;

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

/** Whoever listens on the Elasticsearch port: the bench measures its CPU too. */
function elasticsearchPid(): number | undefined {
  const pidFile = path.join(__dirname, '../.stack/dev/elasticsearch/es.pid');
  try {
    return Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
}

const step = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const base = loadConfig();
  const dbUrl = new URL(base.postgres.url);
  dbUrl.pathname = '/fulfillment_bench';
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: `${base.redis.url.replace(/\/\d+$/, '')}/5`,
    ELASTICSEARCH_INDEX_PREFIX: 'bench-',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const indices = searchIndices('bench-');

  step(`database ${dbUrl.pathname.slice(1)}, index prefix bench-, redis db 5`);
  await ensureDatabase(config.postgres.url);
  const db = createDb({ url: config.postgres.url, poolSize: 10 });
  const es = createElasticsearch(config.elasticsearch);
  const redis = createRedis(config.redis);
  await migrateToLatest(db);
  let last = 0;
  await seedCatalog(db, {
    products: PRODUCTS,
    onProgress: ({ step: what, done, total }) => {
      if (what === 'products' && (done - last >= 2000 || done === total)) {
        last = done;
        step(`seeded ${done}/${total} products`);
      }
    },
  });

  // The index is filled by the production catch-up workflow, on a Temporal server of its own so
  // that no other worker on this machine picks up the bench's tasks.
  step('indexing through the catch-up workflow');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const temporalCli = process.env.TEMPORAL_CLI_PATH;
  if (!temporalCli) throw new Error('TEMPORAL_CLI_PATH is not set (run through npm run bench:storefront)');
  const temporal = await TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: temporalCli }, searchAttributes, log: { format: 'json', level: 'error' } },
  });
  const started = Date.now();
  try {
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: new DefaultLogger('WARN') });
    const workers = await createWorkers({
      connection: temporal.nativeConnection,
      namespace: 'default',
      db,
      es,
      redis,
      stripe: createStripe(config),
      // The bench's orders queue nothing: no emails to send.
      email: { ...config.email, transport: undefined },
      indices,
      workflows: { workflowBundle },
    });
    const running = workers.map((w) => w.run());
    const { indexed } = await temporal.client.workflow.execute<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
      workflowId: `bench-catch-up-${Date.now()}`,
      taskQueue: taskQueues.search,
      args: [],
    });
    workers.forEach((w) => w.shutdown());
    await Promise.all(running);
    step(`indexed ${indexed} products in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await temporal.teardown();
  }
  await es.indices.refresh({ index: indices.products.name });

  // One process (tsx as an import hook, not its CLI wrapper), so its CPU can be read from /proc.
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'bench/serve-storefront.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const { apiPort, helloPort } = await readyPorts(server);
    const api = `http://127.0.0.1:${apiPort}`;
    const results: Row[] = [];
    const esPid = elasticsearchPid();
    /** Runs one scenario (unless --only names others) and records its latency and who burnt the CPU. */
    const measure = async (key: string, name: string, targetP99: number | undefined, options: () => Promise<Options>) => {
      if (args.only && !args.only.split(',').includes(key)) return;
      const opts = await options();
      const before = { es: esPid ? cpuSeconds(esPid) : 0, api: cpuSeconds(server.pid!), bench: process.cpuUsage() };
      const result = await load(opts);
      const benchCpu = process.cpuUsage(before.bench);
      const cpu = {
        es: esPid ? cpuSeconds(esPid) - before.es : 0,
        api: cpuSeconds(server.pid!) - before.api,
        loadgen: (benchCpu.user + benchCpu.system) / 1e6,
      };
      step(`${name}: done`);
      results.push({ name, result, targetP99, cpu });
    };

    await measure('search', 'GET /products (search mix)', 200, async () => {
      const queries = await searchQueries(db);
      step(`search mix: ${queries.length} queries, e.g. ${queries.slice(0, 3).join('  ')}`);
      return { url: api, requests: [{ setupRequest: (r) => ({ ...r, path: pick(queries) }) }] };
    });

    const ids = (await db.selectFrom('products').select('id').where('status', '=', 'active').orderBy('id').execute()).map((r) => r.id);
    await measure('uncached', 'GET /products/:id uncached', undefined, async () => {
      await redis.flushdb();
      // Every id once: each request is a cache miss.
      const misses = ids.slice(0, Math.min(ids.length, 10_000));
      let next = 0;
      return { url: api, amount: misses.length, requests: [{ setupRequest: (r) => ({ ...r, path: `/products/${misses[next++ % misses.length]}` }) }] };
    });
    await measure('cached', 'GET /products/:id cached', 20, async () => {
      const hot = ids.slice(0, 1000);
      for (const id of hot) await fetch(`${api}/products/${id}`);
      return { url: api, requests: [{ setupRequest: (r) => ({ ...r, path: `/products/${pick(hot)}` }) }] };
    });
    await measure('cart', 'POST /carts/:id/lines (add to cart)', 50, async () => {
      const carts: string[] = [];
      for (let i = 0; i < 200; i += 1) {
        const res = await fetch(`${api}/carts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        carts.push(((await res.json()) as { id: string }).id);
      }
      const skus = (
        await db
          .selectFrom('inventory as i')
          .innerJoin('product_variants as v', 'v.sku', 'i.sku')
          .innerJoin('products as p', 'p.id', 'v.product_id')
          .select('i.sku')
          .where('v.active', '=', true)
          .where('p.status', '=', 'active')
          .groupBy('i.sku')
          .having(sql<number>`sum(i.on_hand - i.reserved)`, '>=', 200)
          .limit(40)
          .execute()
      ).map((r) => r.sku);
      return {
        url: api,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (r) => ({ ...r, path: `/carts/${pick(carts)}/lines`, body: JSON.stringify({ sku: pick(skus), quantity: 1 }) }),
          },
        ],
      };
    });
    await measure('hello', 'GET /hello (bare Express, the ceiling)', undefined, async () => ({ url: `http://127.0.0.1:${helloPort}/hello` }));
    print(results);
  } finally {
    server.kill('SIGTERM');
    await Promise.allSettled([db.destroy(), es.close(), redis.quit()]);
  }
}

async function readyPorts(server: ChildProcess): Promise<{ apiPort: number; helloPort: number }> {
  const lines = createInterface({ input: server.stdout! });
  const exited = once(server, 'exit').then(([code]) => {
    throw new Error(`bench server exited (${code}) before it was ready`);
  });
  const ready = (async () => {
    for await (const line of lines) return JSON.parse(line) as { apiPort: number; helloPort: number };
    throw new Error('bench server closed its output');
  })();
  return Promise.race([ready, exited]);
}

async function searchQueries(db: ReturnType<typeof createDb>): Promise<string[]> {
  const brands = (await db.selectFrom('brands').select('name').orderBy('name').execute()).map((b) => b.name);
  const categories = (await db.selectFrom('categories').select(['path', 'depth']).execute()).map((c) => c.path);
  const words = (await db.selectFrom('products').select('name').limit(300).execute()).flatMap((p) => p.name.split(' ').slice(1));
  const q = (params: Record<string, string>) => `/products?${new URLSearchParams(params).toString()}`;
  const mix: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    const word = pick(words);
    mix.push(
      q({ q: word }),
      q({ q: `${pick(brands)} ${word}` }),
      q({ category: pick(categories) }),
      q({ category: pick(categories), sort: 'price_asc' }),
      q({ q: word, inStock: 'true' }),
      q({ brand: pick(brands), priceMin: '1000', priceMax: '20000' }),
      q({ q: word, minRating: '4', sort: 'rating' }),
      q({ category: pick(categories), page: '2' }),
    );
  }
  return mix;
}

/** A fixed `amount` of requests, or else DURATION seconds of load. */
function load(options: Options): Promise<Result> {
  return autocannon({ connections: CONNECTIONS, ...(options.amount === undefined && { duration: DURATION }), ...options });
}

interface Row {
  name: string;
  result: Result;
  targetP99: number | undefined;
  /** CPU seconds each process used during the scenario. */
  cpu: { es: number; api: number; loadgen: number };
}

function print(rows: Row[]): void {
  const hello = rows.find((r) => r.name.startsWith('GET /hello'));
  const header = ['scenario', 'requests', 'req/s', 'vs hello', 'p50 ms', 'p99 ms', 'non-2xx', 'target p99', 'CPU s: api', 'es', 'loadgen'];
  const lines = rows.map(({ name, result, targetP99, cpu }) => [
    name,
    String(result.requests.total),
    result.requests.average.toFixed(0),
    hello ? `${((result.requests.average / hello.result.requests.average) * 100).toFixed(1)}%` : '',
    result.latency.p50.toFixed(1),
    result.latency.p99.toFixed(1),
    String(result.non2xx + result.errors + result.timeouts),
    targetP99 === undefined ? '' : `< ${targetP99} ${result.latency.p99 < targetP99 ? 'met' : 'MISSED'}`,
    cpu.api.toFixed(1),
    cpu.es.toFixed(1),
    cpu.loadgen.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(`\n${PRODUCTS} products, ${CONNECTIONS} connections, ${DURATION} s per scenario (uncached: each id once), node ${process.version}`);
  console.log(format(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(format(line));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
