// Checkout benchmark: N checkouts (POST /checkout, update-with-start of `order-<orderId>`) at C
// concurrent clients against the real API and workers, and in the same run, on the same
// Temporal server, the same for a skeleton workflow of identical shape whose activities answer
// at once. Prints latency, throughput, their ratio, and CPU seconds per process per phase.
//   npm run -s bench:checkout -- [--checkouts 300] [--rounds 3] [--concurrency 10] [--warmup 20] [--products 100] [--skus-per-product 3] [--lines 2] [--payment manual|card]
//     [--temporal-config key=value ...] (replaces scripts/lib/temporal-dev-server.conf)
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { orderIdFor } from '../api/orders/checkout-start';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrator';
import { findInventoryDrift } from '../db/reconcile-inventory';
import { loadConfig } from '../platform/config';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { createRedis, redisReady } from '../platform/create-redis';
import { searchIndices } from '../platform/search-indices';
import { processOrderWorkflowType, orderWorkflowId } from '../workflows/order/order.messages';
import { searchAttributes } from '../workflows/shared/search-attributes';
import { syncProductSearchWorkflowType } from '../workflows/search/sync-product-search.messages';
import { createCatalog, recreateDatabase } from './bench/checkout-catalog';
import { checkoutSkeletonWorkflowType } from './bench/checkout-skeleton.messages';
import { runLoad } from './bench/checkout-load';
import { printReport, type CpuRow, type CpuSeconds, type PhaseResult, type Round } from './bench/checkout-report';
import { historyBreakdown, stepSequence, taskCounts } from './bench/history-breakdown';
import { checkoutRequestBody, fillCarts, newShoppers, type BenchPayment, type Shopper } from './bench/checkout-shoppers';
import { freePort, ServerChild } from './bench/server-child';
import { findPid, machineCpu, pidFromFile, processCpu, treeCpu } from './bench/process-cpu';
import { temporalDevServerArgs, temporalDevServerConfig } from './lib/temporal-dev-server-args';

const { values: args } = parseArgs({
  options: {
    checkouts: { type: 'string', default: '300' },
    // Each round runs both scenarios in turn; the targets are judged on the medians over rounds.
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '20' },
    products: { type: 'string', default: '100' },
    'skus-per-product': { type: 'string', default: '3' },
    lines: { type: 'string', default: '2' },
    // card: Stripe's test card through the stack's Stripe sandbox, which validates with stripe-mock.
    payment: { type: 'string', default: 'manual' },
    // Dynamic config for the dev server (repeatable); the default is what scripts/stack.sh and the tests run with.
    'temporal-config': { type: 'string', multiple: true, default: temporalDevServerConfig() },
  },
});
const CHECKOUTS = Number(args.checkouts);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const LINES = Number(args.lines);
if (args.payment !== 'manual' && args.payment !== 'card') throw new Error('--payment is manual or card');
const PAYMENT: BenchPayment = args.payment;
const TARGETS = { p99Ms: 500, ratio: 0.7 };
const SETTLE_TIMEOUT_MS = 60_000;
const PHASE_DEADLINE_MS = 120_000;
/** After the last order settled: the product-sync writes it triggered wait out their 500 ms coalescing window. */
const DRAIN_MS = 1_000;
const DATABASE = 'fulfillment_bench_checkout';
const INDEX_PREFIX = 'benchco-';
const REDIS_DB = 9;
const IDLE_MS = 3_000;
const HISTORY_SAMPLE = 30;

const step = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const stackDir = path.join(__dirname, '../.stack/dev');

type Kind = 'real' | 'skeleton';

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const base = loadConfig();
  const dbUrl = new URL(base.postgres.url);
  dbUrl.pathname = `/${DATABASE}`;
  const temporalPort = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: `${base.redis.url.replace(/\/\d+$/, '')}/${REDIS_DB}`,
    ELASTICSEARCH_INDEX_PREFIX: INDEX_PREFIX,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const indices = searchIndices(INDEX_PREFIX);

  step(`database ${DATABASE} (recreated), index prefix ${INDEX_PREFIX}, redis db ${REDIS_DB}`);
  await recreateDatabase(config.postgres.url);
  const db = createDb({ url: config.postgres.url, poolSize: 4, applicationName: 'bench-checkout-setup' });
  const es = createElasticsearch(config.elasticsearch);
  const redis = createRedis(config.redis);
  let api: ServerChild | undefined;
  let workers: ServerChild | undefined;
  let temporal: TestWorkflowEnvironment | undefined;
  try {
    await migrateToLatest(db);
    await redisReady(redis);
    await redis.flushdb();
    await es.indices.delete({ index: [indices.products.name, indices.orders.name], ignore_unavailable: true });
    const skus = await createCatalog(db, { products: Number(args.products), skusPerProduct: Number(args['skus-per-product']), onHand: 1_000_000 });
    step(`catalog: ${skus.length} SKUs over ${args.products} products, 1,000,000 on hand each`);

    Runtime.install({ logger: new DefaultLogger('WARN') });
    const temporalCli = process.env.TEMPORAL_CLI_PATH;
    if (!temporalCli) throw new Error('TEMPORAL_CLI_PATH is not set (run through npm run bench:checkout)');
    temporal = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCli },
        ip: '127.0.0.1',
        port: temporalPort,
        searchAttributes,
        log: { format: 'json', level: 'error' },
        extraArgs: temporalDevServerArgs(args['temporal-config']),
      },
    });
    const temporalPid = findPid((argv) => argv.includes('start-dev') && argv.includes(String(temporalPort)));
    step(`temporal dev server on ${temporalPort} (pid ${temporalPid ?? 'not found'})`);

    // API and workers in two processes, as api/main.ts and workers/main.ts run: each one's CPU is its own.
    workers = new ServerChild(path.join(__dirname, 'bench', 'serve-checkout-workers.ts'), env);
    await workers.ready();
    api = new ServerChild(path.join(__dirname, 'bench', 'serve-checkout.ts'), env);
    const origin = `http://127.0.0.1:${(await api.ready()).port}`;
    step(`workers up (pid ${workers.process.pid}), api at ${origin} (pid ${api.process.pid})`);

    const tokens = { secret: config.auth.jwtSecret, issuer: config.auth.issuer };
    const shoppers: Record<Kind, Shopper[]> = {
      real: await newShoppers(tokens, `bench-real-${runId}`, WARMUP + ROUNDS * CHECKOUTS),
      skeleton: await newShoppers(tokens, `bench-skeleton-${runId}`, WARMUP + ROUNDS * CHECKOUTS),
    };
    const cartsStarted = Date.now();
    await fillCarts(origin, shoppers.real, skus, LINES, CONCURRENCY);
    step(`${shoppers.real.length} carts of ${LINES} lines through the API in ${((Date.now() - cartsStarted) / 1000).toFixed(1)} s`);

    const pids = {
      api: api.process.pid,
      workers: workers.process.pid,
      temporal: temporalPid,
      postgres: pidFromFile(path.join(stackDir, 'postgres/data/postmaster.pid')),
      elasticsearch: pidFromFile(path.join(stackDir, 'elasticsearch/es.pid')),
      redis: pidFromFile(path.join(stackDir, 'redis/redis.pid')),
    };
    const cpuNow = (): CpuSeconds => {
      const own = process.cpuUsage();
      return {
        api: processCpu(pids.api),
        workers: processCpu(pids.workers),
        temporal: processCpu(pids.temporal),
        postgres: treeCpu(pids.postgres),
        elasticsearch: processCpu(pids.elasticsearch),
        redis: processCpu(pids.redis),
        loadgen: (own.user + own.system) / 1e6,
        machine: machineCpu().busy,
      };
    };

    const cpuDelta = (before: CpuSeconds, after: CpuSeconds) =>
      Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof CpuSeconds]])) as unknown as CpuSeconds;

    const checkout = async (kind: Kind, name: string, from: number, count: number): Promise<PhaseResult> => {
      const route = kind === 'real' ? '/checkout' : '/bench/skeleton-checkout';
      const batch = shoppers[kind].slice(from, from + count);
      const keys = batch.map((_, i) => `bench-${runId}-${from + i}`);
      const before = cpuNow();
      const started = performance.now();
      const load = await runLoad(origin, count, CONCURRENCY, (i) => ({
        path: route,
        headers: { authorization: batch[i]!.bearer, 'idempotency-key': keys[i]! },
        body: checkoutRequestBody(batch[i]!, PAYMENT),
      }), { deadlineMs: PHASE_DEADLINE_MS, maxFailures: Math.max(5, count / 10) });
      if (load.samples.length < count) step(`${name}: stopped after ${load.samples.length} of ${count} checkouts (deadline or failures)`);
      const orderIds = load.samples.map((s) => orderIdFor(batch[s.index]!.subject, keys[s.index]!));
      // Only a confirmed order goes on to be indexed.
      const confirmedIds = orderIds.filter((_, i) => load.samples[i]!.status === 201);
      const unsettled = await workers!.settle(kind, confirmedIds, SETTLE_TIMEOUT_MS);
      await sleep(DRAIN_MS);
      const after = cpuNow();
      const cpu = cpuDelta(before, after);
      const settledMs = load.samples.flatMap((s, i) => {
        const at = workers!.indexed.get(`${kind}/${orderIds[i]}`);
        return at === undefined ? [] : [at - s.sentAt];
      });
      const failures = load.samples.filter((s) => s.status !== 201);
      if (failures.length > 0) step(`${name}: ${failures.length} answers were not 201, e.g. ${failures[0]!.status} ${failures[0]!.body.slice(0, 300)}`);
      const cpuWallS = (performance.now() - started) / 1000;
      const sampled = confirmedIds.filter((_, i) => i % Math.max(1, Math.floor(confirmedIds.length / HISTORY_SAMPLE)) === 0).map(orderWorkflowId);
      const steps = await historyBreakdown(temporal!.client, sampled);
      return { name, samples: load.samples, wallMs: load.wallMs, settledMs, unsettled, cpuWallS, cpu, steps };
    };

    // What the processes burn with nothing to do (pollers, timers), and what other sessions on the machine do.
    const idleBefore = cpuNow();
    await sleep(IDLE_MS);
    const idle: CpuRow = { name: `idle (no requests)`, cpuWallS: IDLE_MS / 1000, cpu: cpuDelta(idleBefore, cpuNow()), checkouts: 0 };

    const rounds: Round[] = [];
    const names = { skeleton: 'skeleton (no-op activities)', real: 'POST /checkout (real)' } as const;
    for (const kind of ['skeleton', 'real'] as const) {
      step(`${names[kind]}: ${WARMUP} warm-up checkouts`);
      const warm = await checkout(kind, `${names[kind]} warm-up`, 0, WARMUP);
      if (warm.samples.some((s) => s.status !== 201)) throw new Error(`${names[kind]}: the warm-up did not confirm every order; see above`);
    }
    // Rounds alternate the scenarios, skeleton first: the real phase leaves Elasticsearch merges behind it.
    for (let round = 1; round <= ROUNDS; round += 1) {
      const from = WARMUP + (round - 1) * CHECKOUTS;
      const phase = async (kind: Kind) => {
        step(`round ${round}/${ROUNDS}, ${names[kind]}: ${CHECKOUTS} checkouts at ${CONCURRENCY} concurrent clients`);
        return checkout(kind, `${names[kind]} #${round}`, from, CHECKOUTS);
      };
      const skeleton = await phase('skeleton');
      rounds.push({ skeleton, real: await phase('real') });
    }

    // The real phase did what checkout promises: every order confirmed, indexed, stock consistent.
    const confirmed = await db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')).where('status', '=', 'confirmed').executeTakeFirstOrThrow();
    await es.indices.refresh({ index: indices.orders.name });
    const { count: indexedOrders } = await es.count({ index: indices.orders.name });
    const drift = await findInventoryDrift(db);
    // What each checkout asks of the Temporal server, in total; productsChanged also wakes each product's search sync, which the skeleton does not.
    const perCheckout = async (query: string) => {
      const counts = await taskCounts(temporal!.client, query);
      const n = (value: number) => (value / (WARMUP + ROUNDS * CHECKOUTS)).toFixed(1);
      return `${n(counts.workflowTasks)} workflow tasks, ${n(counts.localActivities)} local activities, ${n(counts.activities)} activities, ${n(counts.timers)} timers`;
    };
    // The skeleton must keep the checkout's shape as workflows/checkout.ts evolves: compare one run of each.
    const [realSteps, skeletonSteps] = await Promise.all(
      (['real', 'skeleton'] as const).map((kind) => stepSequence(temporal!.client, orderWorkflowId(orderIdFor(shoppers[kind][WARMUP]!.subject, `bench-${runId}-${WARMUP}`)))),
    );
    const sameShape = realSteps!.join() === skeletonSteps!.join();
    const shape = sameShape
      ? `shape: identical, ${realSteps!.join(' > ')}`
      : `SHAPE DIFFERS, update scripts/bench/checkout-skeleton-workflow.ts: real ${realSteps!.join(' > ')}; skeleton ${skeletonSteps!.join(' > ')}`;
    const serverWork = {
      skeleton: await perCheckout(`WorkflowType = '${checkoutSkeletonWorkflowType}'`),
      real: await perCheckout(`WorkflowType = '${processOrderWorkflowType}'`),
      sync: await perCheckout(`WorkflowType = '${syncProductSearchWorkflowType}'`),
    };
    printReport(idle, rounds, TARGETS, [
      `${ROUNDS} rounds of ${CHECKOUTS} checkouts per scenario after ${WARMUP} warm-up ones, ${CONCURRENCY} concurrent clients (closed loop, keep-alive), ${LINES} lines per cart, node ${process.version}, ${os.cpus().length} cores`,
      PAYMENT === 'card' ? `payment: Stripe test card pm_card_visa through the Stripe sandbox at ${process.env.STRIPE_API_BASE} (the skeleton's authorization is a no-op)` : 'payment: manual provider',
      'POST: request sent to response read; the API answers once the order is confirmed, so this is also end-to-end confirmation',
      "settled: request sent to the order's search document written (indexOrder, which runs beside clearing the cart after the answer; the email was queued with the confirmation); the skeleton's no-op indexOrder returning",
      `one Temporal dev server (port ${temporalPort}${args['temporal-config'].length ? `, ${args['temporal-config'].join(' ')}` : ', default dynamic config'}); the API (both routes) in one process, the real and the skeleton workers in another; skeleton queues bench-orders/bench-inventory/bench-search`,
      `checks: ${confirmed.n} orders confirmed, ${indexedOrders} order documents in ${indices.orders.name}, ${drift.length} inventory drifts`,
      shape,
      `server work per checkout: skeleton ${serverWork.skeleton}; real ${serverWork.real}, plus the product-sync runs it wakes: ${serverWork.sync}`,
    ], os.cpus().length);
  } finally {
    await Promise.allSettled([api?.stop(), workers?.stop()]);
    await temporal?.teardown();
    await Promise.allSettled([db.destroy(), es.close(), redis.quit()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
