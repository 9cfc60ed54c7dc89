import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { orderWorkflowId } from '../../workflows/order/order.messages';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, type Shopper } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { freePort, testConfig, testStack } from '../support/test-stack';
import { startApiProcess, startWorkerProcess, type WorkerProcess } from '../support/worker-process';

const ROOT = path.resolve(__dirname, '../..');
const run = promisify(execFile);

interface Answer {
  status: number;
  retryAfter: string | null;
  body: Record<string, unknown>;
}

// The API and the worker run as their real entry points, in processes of their own: what is
// proven is that those processes live through the restart and serve again without help.
describe('PostgreSQL restarted during a stream of checkouts (api/main.ts and workers/main.ts as processes)', () => {
  let t: TestApp;
  let api: WorkerProcess;
  let worker: WorkerProcess;
  let baseUrl: string;

  before(async function () {
    this.timeout(180_000);
    t = createTestApp();
    await redisReady(t.deps.redis);
    const port = await freePort();
    [api, worker] = await Promise.all([startApiProcess(port), startWorkerProcess({ stripeApiBase: testConfig().stripe.apiBase! })]);
    baseUrl = `http://127.0.0.1:${port}`;
  });
  after(async function () {
    this.timeout(60_000);
    await Promise.all([api?.stop(), worker?.stop()]);
    await t.close();
  });

  async function call(pathname: string, init: RequestInit = {}): Promise<Answer> {
    const res = await fetch(`${baseUrl}${pathname}`, { ...init, signal: AbortSignal.timeout(30_000) });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
  }
  const checkout = (shopper: Shopper, cartId: string, key: string) =>
    call('/checkout', {
      method: 'POST',
      headers: { Authorization: shopper.bearer, 'Content-Type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(checkoutBody(shopper, cartId)),
    });

  it('keeps both processes, answers only 503 with Retry-After while it is away, and loses no acknowledged order', async function () {
    this.timeout(240_000);
    const shoppers = await Promise.all(Array.from({ length: 12 }, async () => {
      const shopper = await newShopper(t);
      return { shopper, ...(await cartWith(t, shopper, { onHand: 3, quantity: 1 })), key: uniqueId('key') };
    }));
    const pids = { api: api.pid, worker: worker.pid };
    const answers: Answer[] = [];

    // A storefront's loop: checkouts two at a time, retrying the same key after Retry-After on a 503.
    const stream = (async () => {
      for (let i = 0; i < shoppers.length; i += 2) {
        await Promise.all(shoppers.slice(i, i + 2).map(async ({ shopper, cartId, key }) => {
          for (let attempt = 0; attempt < 6; attempt += 1) {
            const answer = await checkout(shopper, cartId, key);
            answers.push(answer);
            if (answer.status !== 503) return;
            await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfter ?? 1) * 1000));
          }
        }));
      }
    })();
    // Meanwhile pages that read PostgreSQL, to see what a reader gets during the outage.
    let probing = true;
    const reads: number[] = [];
    const probe = (async () => {
      while (probing) {
        const answer = await call(`/products/00000000-0000-4000-8000-${String(reads.length).padStart(12, '0')}`);
        reads.push(answer.status);
        if (answer.status === 503) assert.ok(answer.retryAfter, 'a 503 says when to retry');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await run('bash', [path.join(ROOT, 'scripts/stack.sh'), 'restart', 'postgres', '--profile', 'test', '--down', '3'], { cwd: ROOT });
    await stream.catch((error: unknown) => {
      // A process that died says why in its own output.
      throw new Error(`${String(error)}\n--- worker ---\n${worker.output().slice(-6000)}\n--- api ---\n${api.output().slice(-3000)}`);
    });
    probing = false;
    await probe;

    // The same processes, still serving.
    assert.deepEqual({ api: api.running(), worker: worker.running() }, { api: true, worker: true }, `${api.output().slice(-2000)}\n${worker.output().slice(-2000)}`);
    assert.deepEqual({ api: api.pid, worker: worker.pid }, pids);
    assert.equal((await call('/health')).status, 200);

    // Only answers a client can act on: never a 500, and every 503 with Retry-After.
    const statuses = answers.map((a) => a.status);
    assert.ok(statuses.every((s) => [201, 503].includes(s)), JSON.stringify(answers.filter((a) => a.status !== 201)));
    assert.ok(answers.filter((a) => a.status === 503).every((a) => a.retryAfter !== null));
    assert.ok(reads.every((s) => [404, 503].includes(s)), JSON.stringify(reads));
    assert.ok(reads.includes(503), 'the probe saw the outage');
    assert.ok(reads.at(-1) === 404, 'and the database come back');

    // Every acknowledged order exists, with one authorization, and its workflow runs or has ended.
    const acknowledged = [...new Set(answers.filter((a) => a.status === 201).map((a) => a.body.orderId as string))];
    assert.ok(acknowledged.length >= shoppers.length - 2, `${acknowledged.length} of ${shoppers.length} orders acknowledged`);
    for (const orderId of acknowledged) {
      const [order, payments] = await Promise.all([
        t.deps.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst(),
        t.deps.db.selectFrom('payments').select('status').where('order_id', '=', orderId).execute(),
      ]);
      assert.equal(order?.status, 'confirmed', orderId);
      assert.deepEqual(payments, [{ status: 'authorized' }], orderId);
      const { status } = await testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
      assert.ok(['RUNNING', 'COMPLETED'].includes(status.name), `${orderId}: ${status.name}`);
    }
    assert.deepEqual(await findInventoryDrift(t.deps.db, { skus: shoppers.map((s) => s.sku.sku) }), []);
  });
});
