import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { findSearchDrift } from '../../activities/search/find-search-drift';
import { catchUpOrderIndexWorkflowType, type CatchUpOrderIndexWorkflow } from '../../workflows/search/catch-up-order-index.messages';
import { taskQueues } from '../../workflows/shared/task-queues';
import { redisReady } from '../support/cart-fixtures';
import { cartWith, checkoutBody, newShopper, postCheckout } from '../support/checkout-fixtures';
import { uniqueId } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { createTestApp, type TestApp } from '../support/test-app';
import { testIndices, testStack } from '../support/test-stack';
import { runTestWorkers, type RunningTestWorkers } from '../support/test-workers';

const ROOT = path.resolve(__dirname, '../..');

describe('Elasticsearch stopped for 60 s and brought back (real workers, Temporal, PostgreSQL, Elasticsearch)', () => {
  let t: TestApp;
  let workers: RunningTestWorkers;
  let support: string;

  before(async () => {
    t = createTestApp();
    await redisReady(t.deps.redis);
    workers = await runTestWorkers();
    support = await t.bearer('support', 'agent-1');
  });
  after(async () => {
    await Promise.all([workers.stop(), t.close()]);
  });

  it('checkout and order pages keep working, order search says 503, and every order placed meanwhile reaches search once it is back', async function () {
    this.timeout(180_000);
    const shoppers = await Promise.all([0, 1, 2].map(async () => {
      const shopper = await newShopper(t);
      return { shopper, ...(await cartWith(t, shopper, { onHand: 3, quantity: 1 })) };
    }));
    const restart = promisify(execFile)('bash', [path.join(ROOT, 'scripts/stack.sh'), 'restart', 'elasticsearch', '--profile', 'test', '--down', '60'], { cwd: ROOT });
    await eventually(() => t.deps.es.ping().then(() => true, () => false), (up) => !up, { what: 'Elasticsearch stopped', timeoutMs: 30_000 });

    const placed: string[] = [];
    for (const { shopper, cartId } of shoppers) {
      const res = await postCheckout(t, shopper, checkoutBody(shopper, cartId));
      assert.equal(res.status, 201, JSON.stringify(res.body));
      placed.push(res.body.orderId);
      assert.equal((await request(t.app).get(`/orders/${res.body.orderId}`).set('Authorization', shopper.bearer)).status, 200);
    }
    const searched = await request(t.app).get('/support/orders').query({ email: shoppers[0]!.shopper.email }).set('Authorization', support);
    assert.equal(searched.status, 503, JSON.stringify(searched.body));
    assert.equal(searched.body.type, '/problems/search-unavailable');
    assert.ok(searched.headers['retry-after']);

    await restart;
    // What the schedule does every minute, run now.
    await testStack().temporal.client.workflow.execute<CatchUpOrderIndexWorkflow>(catchUpOrderIndexWorkflowType, {
      workflowId: uniqueId('order-search-catch-up-test'),
      taskQueue: taskQueues.search,
      args: [],
    });
    assert.deepEqual(await findSearchDrift({ db: t.deps.db, es: t.deps.es, indices: testIndices() }, { orderIds: placed, productIds: [] }), []);
    for (const [i, { shopper }] of shoppers.entries()) {
      const found = await eventually(
        async () => (await request(t.app).get('/support/orders').query({ email: shopper.email }).set('Authorization', support)).body,
        (body) => body.items?.length === 1,
        { what: 'the order in support search' },
      );
      assert.equal(found.items[0].orderId, placed[i]);
      assert.equal(found.items[0].status, 'confirmed');
    }
  });
});
