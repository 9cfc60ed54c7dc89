import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { createStripe } from '../../platform/create-stripe';
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


/**
 * What a reader gets while the dependency is away: the statuses allowed then, and the one
 * expected once it is back.
 */
interface Probe {
  read(call: Call, reads: number): Promise<Answer>;
  during: number[];
  after: number;
}
type Call = (pathname: string, init?: RequestInit) => Promise<Answer>;

interface Drill {
  service: 'postgres' | 'redis' | 'stripe-sandbox';
  paymentMethod: Record<string, string>;
  /** A page that needs the service (503 while it is away), or one that must keep working. */
  probe: (t: TestApp) => Promise<Probe>;
}

const productPage = (during: number[]) => async (): Promise<Probe> => ({
  read: (call, reads) => call(`/products/00000000-0000-4000-8000-${String(reads).padStart(12, '0')}`),
  during,
  after: 404,
});

const drills: Drill[] = [
  { service: 'postgres', paymentMethod: { provider: 'manual' }, probe: productPage([404, 503]) },
  {
    // Carts live in Redis: a shopper's cart reads 503 while it is away and comes back whole.
    service: 'redis',
    paymentMethod: { provider: 'manual' },
    probe: async (t) => {
      const shopper = await newShopper(t);
      const { cartId } = await cartWith(t, shopper, { onHand: 3, quantity: 2 });
      return { read: (call) => call(`/carts/${cartId}`, { headers: { Authorization: shopper.bearer } }), during: [200, 503], after: 200 };
    },
  },
  // Card checkouts wait out the provider; pages that do not need it never notice.
  { service: 'stripe-sandbox', paymentMethod: { provider: 'stripe', paymentMethodId: 'pm_card_visa' }, probe: productPage([404]) },
];

// The API and the worker run as their real entry points, in processes of their own: what is
// proven is that those processes live through the restart and serve again without help.
for (const drill of drills) {
  describe(`${drill.service} restarted during a stream of checkouts (api/main.ts and workers/main.ts as processes)`, () => {
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

    const call: Call = async (pathname, init = {}) => {
      const res = await fetch(`${baseUrl}${pathname}`, { ...init, signal: AbortSignal.timeout(30_000) });
      return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
    };
    const checkout = (shopper: Shopper, cartId: string, key: string) =>
      call('/checkout', {
        method: 'POST',
        headers: { Authorization: shopper.bearer, 'Content-Type': 'application/json', 'Idempotency-Key': key },
        body: JSON.stringify(checkoutBody(shopper, cartId, { paymentMethod: drill.paymentMethod })),
      });

    it('keeps both processes, answers only 503 with Retry-After while it is away, and loses no acknowledged order', async function () {
      this.timeout(240_000);
      const shoppers = await Promise.all(Array.from({ length: 12 }, async () => {
        const shopper = await newShopper(t);
        return { shopper, ...(await cartWith(t, shopper, { onHand: 3, quantity: 1 })), key: uniqueId('key') };
      }));
      const probe = await drill.probe(t);
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
      // Meanwhile a reader, to see what a page gets during the outage.
      let probing = true;
      const reads: Answer[] = [];
      const reading = (async () => {
        while (probing) {
          reads.push(await probe.read(call, reads.length));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();

      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await run('bash', [path.join(ROOT, 'scripts/stack.sh'), 'restart', drill.service, '--profile', 'test', '--down', '3'], { cwd: ROOT });
      await stream.catch((error: unknown) => {
        // A process that died says why in its own output.
        throw new Error(`${String(error)}\n--- worker ---\n${worker.output().slice(-6000)}\n--- api ---\n${api.output().slice(-3000)}`);
      });
      // One more read once the stream is through, so the last read is after the return.
      await new Promise((resolve) => setTimeout(resolve, 500));
      probing = false;
      await reading;

      // The same processes, still serving.
      assert.deepEqual({ api: api.running(), worker: worker.running() }, { api: true, worker: true }, `${api.output().slice(-2000)}\n${worker.output().slice(-2000)}`);
      assert.deepEqual({ api: api.pid, worker: worker.pid }, pids);
      assert.equal((await call('/health')).status, 200);

      // Only answers a client can act on: never a 500, and every 503 with Retry-After.
      const statuses = answers.map((a) => a.status);
      assert.ok(statuses.every((s) => [201, 503].includes(s)), JSON.stringify(answers.filter((a) => a.status !== 201)));
      assert.ok(answers.filter((a) => a.status === 503).every((a) => a.retryAfter !== null));
      const readStatuses = reads.map((r) => r.status);
      assert.ok(readStatuses.every((s) => probe.during.includes(s)), JSON.stringify(readStatuses));
      assert.ok(reads.filter((r) => r.status === 503).every((r) => r.retryAfter !== null), 'a 503 says when to retry');
      if (probe.during.includes(503)) assert.ok(readStatuses.includes(503), 'the probe saw the outage');
      assert.equal(readStatuses.at(-1), probe.after, 'and the service come back');
      if (drill.service === 'redis') assert.equal((reads.at(-1)!.body as { lines: unknown[] }).lines.length, 1, 'the cart survived the restart');

      // Every acknowledged order exists, with one authorization, and its workflow runs or has ended.
      const acknowledged = [...new Set(answers.filter((a) => a.status === 201).map((a) => a.body.orderId as string))];
      assert.equal(acknowledged.length, shoppers.length, `${acknowledged.length} of ${shoppers.length} orders acknowledged`);
      for (const orderId of acknowledged) {
        const [order, payments] = await Promise.all([
          t.deps.db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst(),
          t.deps.db.selectFrom('payments').select(['status', 'external_id']).where('order_id', '=', orderId).execute(),
        ]);
        assert.equal(order?.status, 'confirmed', orderId);
        assert.deepEqual(payments.map((p) => p.status), ['authorized'], orderId);
        const { status } = await testStack().temporal.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
        assert.ok(['RUNNING', 'COMPLETED'].includes(status.name), `${orderId}: ${status.name}`);
        if (drill.paymentMethod.provider === 'stripe') await assertOneHoldAtStripe(orderId, payments[0]!.external_id);
      }
      assert.deepEqual(await findInventoryDrift(t.deps.db, { skus: shoppers.map((s) => s.sku.sku) }), []);
    });
  });
}

/** Exactly one PaymentIntent for the order exists at "Stripe", the one our row names, and it holds the money. */
async function assertOneHoldAtStripe(orderId: string, externalId: string | null): Promise<void> {
  const found = await createStripe(testConfig()).paymentIntents.search({ query: `metadata['orderId']:'${orderId}'` });
  assert.deepEqual(found.data.map((intent) => [intent.id, intent.status]), [[externalId, 'requires_capture']], orderId);
}
