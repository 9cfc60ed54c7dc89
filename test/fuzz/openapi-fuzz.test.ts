import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { signToken, type Role } from '../../api/http/tokens';
import { addToCart, createCart, redisReady } from '../support/cart-fixtures';
import { checkoutBody, postCheckout, type Shopper } from '../support/checkout-fixtures';
import { createStockedSku, TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { freePort, testConfig } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';
import { startApiProcess, type WorkerProcess } from '../support/worker-process';

const CONFIG = path.join(__dirname, 'schemathesis.toml');
const RUN_TIMEOUT_MS = 240_000;

interface FuzzRun {
  code: number | null;
  output: string;
}

/** `st run` against the API's own /openapi.json with the given config; resolves when it exits. */
function runSchemathesis(config: string, baseUrl: string, reportDir: string, tokens: Record<Role, string>): Promise<FuzzRun> {
  const st = process.env.SCHEMATHESIS_PATH;
  if (!st) throw new Error('SCHEMATHESIS_PATH must name the pinned schemathesis CLI (scripts/install.sh installs it, scripts/test.sh sets it)');
  // Another seed or more examples for one exploratory run; the suite runs the config's.
  const overrides = [
    ...(process.env.FUZZ_SEED ? ['--seed', process.env.FUZZ_SEED] : []),
    ...(process.env.FUZZ_MAX_EXAMPLES ? ['--max-examples', process.env.FUZZ_MAX_EXAMPLES] : []),
  ];
  const args = ['--config-file', config, 'run', `${baseUrl}/openapi.json`, '--no-color', '--report', 'ndjson', '--report-dir', reportDir, ...overrides];
  const child = spawn(st, args, {
    cwd: reportDir,
    env: {
      ...process.env,
      FUZZ_CUSTOMER_TOKEN: tokens.customer,
      FUZZ_SUPPORT_TOKEN: tokens.support,
      FUZZ_ADMIN_TOKEN: tokens.admin,
      FUZZ_WAREHOUSE_TOKEN: tokens.warehouse,
      PYTHONUNBUFFERED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

interface KnownIds {
  orderId: string;
  cartId: string;
  sku: string;
  productId: string;
}

/**
 * Half the time an id in the path or the body is one that exists (owned by the fuzz's customer),
 * so the operations behind a lookup are reached and not only their 404 (a line of the real SKU,
 * a checkout of the real cart).
 */
const knownIdsConfig = (ids: KnownIds): string => `
[dictionaries]
orders = { values = ["${ids.orderId}"] }
carts = { values = ["${ids.cartId}"] }
skus = { values = ["${ids.sku}"] }
products = { values = ["${ids.productId}"] }
warehouses = { values = ["${TEST_WAREHOUSE_CODE}"] }

[parameters]
"path.orderId" = { dictionary = "orders", probability = 0.5 }
"path.cartId" = { dictionary = "carts", probability = 0.5 }
"path.sku" = { dictionary = "skus", probability = 0.5 }
"path.productId" = { dictionary = "products", probability = 0.5 }
"path.id" = { dictionary = "products", probability = 0.5 }
"path.code" = { dictionary = "warehouses", probability = 0.5 }
"body.cartId" = { dictionary = "carts", probability = 0.5 }
"body.sku" = { dictionary = "skus", probability = 0.5 }
`;

// The API as its real entry point (api/main.ts) and the production workers, so checkout, order
// requests and receipts run for real while schemathesis sends what the OpenAPI document allows
// and what it forbids.
describe('OpenAPI fuzz (schemathesis against api/main.ts with workers running)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let api: WorkerProcess;
  let baseUrl: string;
  let reportDir: string;

  let tokens: Record<Role, string>;
  let ids: KnownIds;

  before(async function () {
    this.timeout(180_000);
    t = createTestApp();
    await redisReady(t.deps.redis);
    const { auth } = testConfig();
    const mint = (role: Role) =>
      signToken({ secret: auth.jwtSecret, issuer: auth.issuer }, { subject: `fuzz-${role}`, role, ...(role === 'warehouse' && { warehouseCode: TEST_WAREHOUSE_CODE }) });
    tokens = { customer: await mint('customer'), support: await mint('support'), admin: await mint('admin'), warehouse: await mint('warehouse') };
    const port = await freePort();
    [workers, api] = await Promise.all([runTestWorkers(), startApiProcess(port)]);
    baseUrl = `http://127.0.0.1:${port}`;
    reportDir = await mkdtemp(path.join(tmpdir(), 'api-fuzz-'));

    // The fuzz's customer has a cart with a line in it and a confirmed order.
    const shopper: Shopper = { subject: 'fuzz-customer', bearer: `Bearer ${tokens.customer}`, email: 'fuzz-customer@example.com' };
    const { sku, productId } = await createStockedSku(t.deps.db, 1_000);
    const [ordered, cartId] = [await createCart(t.app, shopper.bearer), await createCart(t.app, shopper.bearer)];
    for (const cart of [ordered, cartId]) assert.equal((await addToCart(t.app, cart, sku, 1, shopper.bearer)).status, 200);
    const order = await postCheckout(t, shopper, checkoutBody(shopper, ordered));
    assert.equal(order.status, 201, JSON.stringify(order.body));
    ids = { orderId: order.body.orderId, cartId, sku, productId };
  });
  after(async function () {
    this.timeout(60_000);
    await Promise.all([api?.stop(), workers?.stop()]);
    await t?.close();
    if (reportDir) await rm(reportDir, { recursive: true, force: true });
  });

  it('answers no 5xx, only documented responses, and refuses every body the schema forbids', async function () {
    this.timeout(RUN_TIMEOUT_MS + 10_000);
    const config = path.join(reportDir, 'schemathesis.toml');
    await writeFile(config, `${await readFile(CONFIG, 'utf8')}${knownIdsConfig(ids)}`);

    const run = await runSchemathesis(config, baseUrl, reportDir, tokens);
    // The summary names the operations tested, the test cases generated and the seed. Its
    // pytest-style rule lines ("=== 2 warnings in 82s ===") are left out: a CI that reads test
    // runners' closing lines takes one for a pytest run that executed no test.
    const summary = run.output
      .slice(run.output.lastIndexOf('SUMMARY'))
      .split('\n')
      .filter((line) => !/={5,}/.test(line))
      .join('\n');
    console.log(`      schemathesis ${summary.replace(/\n/g, '\n      ')}`);
    const serverErrors = api.output().split('\n').filter((line) => line.includes('"level":50'));
    assert.equal(run.code, 0, `schemathesis found failures (exit ${run.code}):\n${run.output}\n--- what the API logged as errors ---\n${serverErrors.join('\n').slice(-10_000)}`);
  });
});
