// Fulfillment benchmark: N orders live their whole life (checkout, pack, hand over, capture,
// tracking to delivered, a short return window, closed) against the real API and workers, with
// the carrier sandbox's clock in fast mode; and in the same run, side by side, N orders that only
// check out. Prints throughput, handover-to-capture latency, CPU per order by process, server work
// per workflow type, and the ratio of whole-life CPU to checkout-alone CPU (medians over rounds).
//   npm run -s bench:fulfillment -- [--orders 50] [--rounds 3] [--concurrency 10] [--warmup 5] [--lines 2]
//     [--step-ms 100] [--return-window '2 seconds'] [--payment card|manual]
// Its own database, Redis db, index prefix, Temporal dev server and carrier sandbox; the dev stack's
// PostgreSQL, Redis, Elasticsearch and Stripe sandbox. Everything on 127.0.0.1.
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { signToken } from '../api/http/tokens';
import { createDb } from '../db/create-db';
import { migrateToLatest } from '../db/migrator';
import { findInventoryDrift } from '../db/reconcile-inventory';
import { loadConfig } from '../platform/config';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { createRedis, redisReady } from '../platform/create-redis';
import { searchIndices } from '../platform/search-indices';
import { orderStatusQuery, orderWorkflowId, type OrderView } from '../workflows/order/order.messages';
import { shipmentWorkflowId } from '../workflows/shipment/ship-parcel.messages';
import { searchAttributes } from '../workflows/shared/search-attributes';
import { createCatalog, recreateDatabase } from './bench/checkout-catalog';
import { checkoutRequestBody, fillCarts, newShoppers, type BenchPayment, type Shopper } from './bench/checkout-shoppers';
import { printFulfillmentReport, type Cpu, type Phase } from './bench/fulfillment-report';
import { freePort, ServerChild } from './bench/server-child';
import { findPid, machineCpu, pidFromFile, processCpu, treeCpu } from './bench/process-cpu';
import { noWork, workByType, addWork, type Work } from './bench/workflow-work';
import { temporalDevServerArgs, temporalDevServerConfig } from './lib/temporal-dev-server-args';

const { values: args } = parseArgs({
  options: {
    orders: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '5' },
    products: { type: 'string', default: '50' },
    'skus-per-product': { type: 'string', default: '3' },
    lines: { type: 'string', default: '2' },
    // The carrier sandbox's tracking clock: milliseconds per status (pre_transit ... delivered).
    'step-ms': { type: 'string', default: '100' },
    // ORDER_RETURN_WINDOW for the bench's API: how long a delivered order waits before it closes.
    'return-window': { type: 'string', default: '2 seconds' },
    payment: { type: 'string', default: 'card' },
    'temporal-config': { type: 'string', multiple: true, default: temporalDevServerConfig() },
  },
});
const ORDERS = Number(args.orders);
const ROUNDS = Number(args.rounds);
const CONCURRENCY = Number(args.concurrency);
const WARMUP = Number(args.warmup);
const LINES = Number(args.lines);
if (args.payment !== 'manual' && args.payment !== 'card') throw new Error('--payment is manual or card');
const PAYMENT: BenchPayment = args.payment;
if (ORDERS * ROUNDS > 2_000) throw new Error('--orders x --rounds is capped at 2,000: this is a bench, not a load test');
const TARGET_RATIO = 2.5;
const PHASE_DEADLINE_MS = 180_000;
const DRAIN_MS = 1_000;
const IDLE_MS = 3_000;
const HISTORY_SAMPLE = 20;
/** How often a whole-life client looks at GET /orders/:id for its parcel, as a customer's page would. */
const POLL_MS = 200;
const DATABASE = 'fulfillment_bench_fulfillment';
const INDEX_PREFIX = 'benchff-';
const REDIS_DB = 10;
const WAREHOUSE = 'BENCH-CO-1';
const PACK = { weightGrams: 900, dimensionsCm: { length: 30, width: 20, height: 10 } };

const step = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const stackDir = path.join(__dirname, '../.stack/dev');
const now = () => performance.timeOrigin + performance.now();

async function until<T>(what: string, deadline: number, probe: () => Promise<T>, done: (value: T) => boolean, everyMs = 50): Promise<T> {
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function main(): Promise<void> {
  const runId = Date.now().toString(36);
  const base = loadConfig();
  if (!base.carrier) throw new Error('EASYPOST_API_KEY is not set (run through npm run bench:fulfillment)');
  const dbUrl = new URL(base.postgres.url);
  dbUrl.pathname = `/${DATABASE}`;
  const [temporalPort, carrierPort] = [await freePort(), await freePort()];
  const env = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: `${base.redis.url.replace(/\/\d+$/, '')}/${REDIS_DB}`,
    ELASTICSEARCH_INDEX_PREFIX: INDEX_PREFIX,
    TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`,
    CARRIER_API_BASE: `http://127.0.0.1:${carrierPort}`,
    ORDER_RETURN_WINDOW: args['return-window'],
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig(env);
  const indices = searchIndices(INDEX_PREFIX);

  step(`database ${DATABASE} (recreated), index prefix ${INDEX_PREFIX}, redis db ${REDIS_DB}`);
  await recreateDatabase(config.postgres.url);
  const db = createDb({ url: config.postgres.url, poolSize: 4, applicationName: 'bench-fulfillment-setup' });
  const es = createElasticsearch(config.elasticsearch);
  const redis = createRedis(config.redis);
  const children: ServerChild[] = [];
  let temporal: TestWorkflowEnvironment | undefined;
  try {
    await migrateToLatest(db);
    await redisReady(redis);
    await redis.flushdb();
    await es.indices.delete({ index: [indices.products.name, indices.orders.name], ignore_unavailable: true });
    const skus = await createCatalog(db, { products: Number(args.products), skusPerProduct: Number(args['skus-per-product']), onHand: 1_000_000 });
    // The carrier rates a parcel from its warehouse's address.
    await db
      .updateTable('warehouses')
      .set({ address: { name: 'Bench warehouse', line1: '100 Warehouse Way', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' } })
      .where('code', '=', WAREHOUSE)
      .execute();
    step(`catalog: ${skus.length} SKUs in ${WAREHOUSE}, 1,000,000 on hand each`);

    Runtime.install({ logger: new DefaultLogger('WARN') });
    const temporalCli = process.env.TEMPORAL_CLI_PATH;
    if (!temporalCli) throw new Error('TEMPORAL_CLI_PATH is not set (run through npm run bench:fulfillment)');
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
    const client = temporal.client;
    const temporalPid = findPid((argv) => argv.includes('start-dev') && argv.includes(String(temporalPort)));

    // The API first (the carrier sandbox sends its webhooks there), then the sandbox, then the workers.
    const api = new ServerChild(path.join(__dirname, 'bench/serve-checkout.ts'), env);
    children.push(api);
    const origin = `http://127.0.0.1:${(await api.ready()).port}`;
    const carrier = new ServerChild(path.join(__dirname, '../sandboxes/carrier/main.ts'), {
      ...env,
      CARRIER_SANDBOX_PORT: String(carrierPort),
      CARRIER_SANDBOX_STEP_MS: args['step-ms'],
      CARRIER_SANDBOX_WEBHOOK_URL: `${origin}/webhooks/carrier`,
      CARRIER_SANDBOX_JOURNAL: '',
    }, 'ignore');
    children.push(carrier);
    await until('the carrier sandbox', Date.now() + 30_000, () => fetch(`${env.CARRIER_API_BASE}/_sandbox/health`).then((r) => r.ok, () => false), Boolean, 200);
    const workers = new ServerChild(path.join(__dirname, 'bench/serve-checkout-workers.ts'), env);
    children.push(workers);
    await workers.ready();
    step(`temporal on ${temporalPort} (pid ${temporalPid}), api ${origin} (pid ${api.process.pid}), workers (pid ${workers.process.pid}), carrier sandbox ${env.CARRIER_API_BASE} (pid ${carrier.process.pid}, ${args['step-ms']} ms a step)`);

    const tokens = { secret: config.auth.jwtSecret, issuer: config.auth.issuer };
    const warehouseBearer = `Bearer ${await signToken(tokens, { subject: 'bench-packer', role: 'warehouse', warehouseCode: WAREHOUSE })}`;
    const perKind = WARMUP + ROUNDS * ORDERS;
    const shoppers = {
      checkout: await newShoppers(tokens, `benchff-co-${runId}`, perKind),
      life: await newShoppers(tokens, `benchff-life-${runId}`, perKind),
    };
    const cartsStarted = Date.now();
    await fillCarts(origin, [...shoppers.checkout, ...shoppers.life], skus, LINES, CONCURRENCY);
    step(`${perKind * 2} carts of ${LINES} lines through the API in ${((Date.now() - cartsStarted) / 1000).toFixed(1)} s`);

    const pids = {
      temporal: temporalPid,
      workers: workers.process.pid,
      api: api.process.pid,
      postgres: pidFromFile(path.join(stackDir, 'postgres/data/postmaster.pid')),
      elasticsearch: pidFromFile(path.join(stackDir, 'elasticsearch/es.pid')),
      redis: pidFromFile(path.join(stackDir, 'redis/redis.pid')),
      carrier: carrier.process.pid,
      stripeSandbox: pidFromFile(path.join(stackDir, 'stripe-sandbox/stripe-sandbox.pid')),
      stripeMock: pidFromFile(path.join(stackDir, 'stripe-mock/stripe-mock.pid')),
    };
    const cpuNow = (): Cpu => {
      const own = process.cpuUsage();
      return {
        temporal: processCpu(pids.temporal),
        workers: processCpu(pids.workers),
        api: processCpu(pids.api),
        postgres: treeCpu(pids.postgres),
        elasticsearch: processCpu(pids.elasticsearch),
        redis: processCpu(pids.redis),
        'carrier sandbox': processCpu(pids.carrier),
        'stripe sandbox': processCpu(pids.stripeSandbox) + processCpu(pids.stripeMock),
        loadgen: (own.user + own.system) / 1e6,
        machine: machineCpu().busy,
      };
    };
    const cpuDelta = (before: Cpu, after: Cpu): Cpu => Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]!])) as Cpu;

    const post = async (url: string, bearer: string, body?: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${origin}${url}`, { method: 'POST', headers: { authorization: bearer, 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(30_000) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as { orderId?: string; stage?: string };
    };
    const orderView = async (orderId: string, bearer: string) => {
      const res = await fetch(`${origin}/orders/${orderId}`, { headers: { authorization: bearer }, signal: AbortSignal.timeout(30_000) });
      return (await res.json()) as OrderView;
    };

    /**
     * One phase: `count` orders from `from`, by CONCURRENCY closed-loop clients. A checkout-only
     * order is done when its search document is written (as in bench:checkout); a whole-life one
     * is checked out, packed and handed over by the clients, and done when its workflow closes.
     */
    const phase = async (kind: 'checkout' | 'life', name: string, from: number, count: number): Promise<Phase> => {
      const batch = shoppers[kind].slice(from, from + count);
      const deadline = Date.now() + PHASE_DEADLINE_MS;
      const checkoutMs: number[] = [];
      const handedAt = new Map<string, number>();
      const lifeMs: number[] = [];
      const closings: Promise<void>[] = [];
      const orderIds: string[] = [];
      let polls = 0;
      const before = cpuNow();
      const started = now();
      let next = 0;
      const drive = async (shopper: Shopper, i: number) => {
        const sent = now();
        const answer = await post('/checkout', shopper.bearer, checkoutRequestBody(shopper, PAYMENT), { 'idempotency-key': `benchff-${runId}-${kind}-${from + i}` });
        checkoutMs.push(now() - sent);
        const orderId = answer.orderId!;
        orderIds.push(orderId);
        if (kind === 'checkout') return;
        closings.push(client.workflow.getHandle(orderWorkflowId(orderId)).result().then(() => void lifeMs.push(now() - sent)));
        // The warehouse's part: the parcel, as GET /orders/:id shows it to its customer.
        const view = await until(`order ${orderId}'s parcels`, deadline, () => ((polls += 1), orderView(orderId, shopper.bearer)), (v) => (v.shipments?.length ?? 0) > 0, POLL_MS);
        for (const parcel of view.shipments!) {
          // The order's confirmation wrote the parcel's row, so the warehouse knows it as soon as the order shows it.
          await post(`/warehouse/${WAREHOUSE}/shipments/${parcel.shipmentId}/pack`, warehouseBearer, JSON.stringify(PACK));
          await post(`/warehouse/${WAREHOUSE}/shipments/${parcel.shipmentId}/hand-over`, warehouseBearer);
          handedAt.set(`${orderId}/${parcel.shipmentId}`, Date.now());
        }
      };
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length && Date.now() < deadline) {
            const i = next++;
            await drive(batch[i]!, i);
          }
        }),
      );
      if (kind === 'checkout') {
        if ((await workers.settle('real', orderIds, Math.max(0, deadline - Date.now()))) > 0) throw new Error(`${name}: not every order indexed in time`);
      } else {
        await Promise.race([Promise.all(closings), sleep(Math.max(0, deadline - Date.now())).then(() => { throw new Error(`${name}: not every order closed in time`); })]);
      }
      const wallS = (now() - started) / 1000;
      await sleep(DRAIN_MS);
      const cpu = cpuDelta(before, cpuNow());
      const cpuWallS = (now() - started) / 1000;

      // After the measurement: when each handover's capture finished, from the capture workflows.
      const captureMs: number[] = [];
      const workflowIds: string[] = [];
      for (const [i, orderId] of orderIds.entries()) {
        const sampled = i < HISTORY_SAMPLE;
        if (sampled) workflowIds.push(orderWorkflowId(orderId));
        const view = await client.workflow.getHandle(orderWorkflowId(orderId)).query(orderStatusQuery);
        if (sampled) workflowIds.push(...(view.shipments ?? []).map((p) => shipmentWorkflowId(p.shipmentId)), ...(view.captures ?? []).map((c) => c.workflowId));
        for (const capture of view.captures ?? []) {
          const handed = handedAt.get(`${orderId}/${capture.shipmentId}`);
          const closed = (await client.workflow.getHandle(capture.workflowId).describe()).closeTime;
          if (handed !== undefined && closed) captureMs.push(closed.getTime() - handed);
        }
      }
      const work = await workByType(client, workflowIds);
      const perOrder = new Map([...work].map(([type, w]) => [type, scale(w, 1 / Math.min(HISTORY_SAMPLE, orderIds.length))]));
      return { name, orders: orderIds.length, polls, wallS, cpuWallS, cpu, checkoutMs, lifeMs, captureMs, work: perOrder };
    };

    const idleBefore = cpuNow();
    await sleep(IDLE_MS);
    const idle = cpuDelta(idleBefore, cpuNow());

    step(`warm-up: ${WARMUP} orders of each kind`);
    await phase('checkout', 'warm-up checkout', 0, WARMUP);
    await phase('life', 'warm-up life', 0, WARMUP);
    const rounds: Array<{ checkout: Phase; life: Phase }> = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const from = WARMUP + (round - 1) * ORDERS;
      step(`round ${round}/${ROUNDS}: ${ORDERS} orders that only check out, at ${CONCURRENCY} concurrent clients`);
      const checkout = await phase('checkout', `checkout only #${round}`, from, ORDERS);
      step(`round ${round}/${ROUNDS}: ${ORDERS} orders through their whole life, at ${CONCURRENCY} concurrent clients`);
      const life = await phase('life', `whole life #${round}`, from, ORDERS);
      rounds.push({ checkout, life });
    }

    const statuses = await db.selectFrom('orders').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status').execute();
    const labels = await fetch(`${env.CARRIER_API_BASE}/_sandbox/labels`).then((r) => r.json() as Promise<{ count: number }>);
    const drift = await findInventoryDrift(db);
    printFulfillmentReport({
      rounds,
      idle: { cpu: idle, seconds: IDLE_MS / 1000 },
      targetRatio: TARGET_RATIO,
      cores: os.cpus().length,
      notes: [
        `${ROUNDS} rounds of ${ORDERS} orders per scenario after ${WARMUP} warm-up ones, ${CONCURRENCY} concurrent clients, ${LINES} lines per order, one parcel per order (one warehouse), node ${process.version}, ${os.cpus().length} cores`,
        PAYMENT === 'card' ? `payment: Stripe test card pm_card_visa through the dev stack's Stripe sandbox (${process.env.STRIPE_API_BASE}); its webhooks go to the endpoints registered there (the dev API), not to the bench's API` : 'payment: manual provider (captures move no money)',
        `carrier: its own sandbox, ${args['step-ms']} ms a tracking step, signed webhooks to the bench API; return window ${args['return-window']} (ORDER_RETURN_WINDOW)`,
        'checkout only: POST /checkout to the order indexed (its parcel workflow started, waiting for its pack); whole life: POST /checkout, GET /orders/:id every 200 ms until the parcel shows (the polls row), pack, hand over, then the order workflow closed (awaited through the Temporal client)',
        'handover -> capture: the hand-over answer to the capture workflow closed (the captured ledger row written)',
        `checks: orders by status ${statuses.map((s) => `${s.status} ${s.n}`).join(', ')}; ${labels.count} labels bought; ${drift.length} inventory drifts`,
      ],
    });
  } finally {
    await Promise.allSettled(children.map((child) => child.stop()));
    await temporal?.teardown();
    await Promise.allSettled([db.destroy(), es.close(), redis.quit()]);
  }
}

function scale(work: Work, factor: number): Work {
  const scaled = noWork();
  addWork(scaled, work);
  for (const key of Object.keys(scaled) as (keyof Work)[]) scaled[key] *= factor;
  return scaled;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
