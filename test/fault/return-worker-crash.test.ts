import assert from 'node:assert/strict';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { findReturn, findReturnDrift } from '../../db/returns';
import { receiveReturnUpdate, returnViewQuery } from '../../workflows/returns/process-return.messages';
import { startCarrierSandbox, type RunningCarrierSandbox } from '../support/carrier-sandbox';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { eventually } from '../support/eventually';
import { holdLock } from '../support/hold-lock';
import { deliveredOrder, startReturn } from '../support/return-fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { testStack } from '../support/test-stack';
import { workerProcesses } from '../support/worker-process';

/**
 * A return's receipt when the worker process dies in the middle of the restock (workers/main.ts,
 * SIGKILL): its transaction never commits, a new worker applies the receipt once, and the same
 * receipt posted again meanwhile changes nothing.
 */
// No in-process workers here: the worker processes started below are the only ones serving the task queues.
describe('a return receipt when the worker process is killed mid-restock (workers/main.ts, SIGKILL)', () => {
  let carrier: RunningCarrierSandbox;
  let t: TestApp;
  const workers = workerProcesses({ carrier: () => carrier });

  before(async () => {
    carrier = await startCarrierSandbox();
    t = createTestApp();
  });
  after(async function () {
    this.timeout(60_000);
    await workers.stopAll();
    await t.close();
    await carrier.stop();
  });

  it('restocks the restockable units exactly once, however the receipt is posted and whenever the worker dies', async function () {
    this.timeout(300_000);
    const db = t.deps.db;
    await workers.start();
    const order = await deliveredOrder(db, { quantity: 3 });
    const { rmaId, handle } = await startReturn(db, testStack().temporal.client, order, { quantity: 3 });
    await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { timeoutMs: 60_000, what: 'the label sent' });
    const onHand = async () => (await db.selectFrom('inventory').select('on_hand').where('sku', '=', order.sku).executeTakeFirstOrThrow()).on_hand;
    const before = await onHand();

    // The stock row is held, so the restock stops inside its transaction, after the return's lines were inspected.
    const lock = await holdLock(db, (trx) => trx.selectFrom('inventory').select('on_hand').where('sku', '=', order.sku).forUpdate().execute());
    const receipt = { warehouseCode: TEST_WAREHOUSE_CODE, receivedBy: 'picker-1', lines: [{ orderItemId: order.itemId, units: ['restockable' as const, 'damaged' as const, 'restockable' as const] }] };
    const first = handle.executeUpdate(receiveReturnUpdate, { args: [receipt] });
    const waiting = await lock.blocking();
    assert.ok(waiting.some((query) => /insert into "inventory"/i.test(query)), JSON.stringify(waiting));
    await workers.killLast();
    await lock.release();
    assert.equal(await onHand(), before, 'nothing committed by the dead worker');
    assert.equal((await findReturn(db, rmaId))?.status, 'label_sent');

    await workers.start();
    const again = handle.executeUpdate(receiveReturnUpdate, { args: [receipt] });
    const [one, two] = await Promise.all([first, again]);
    assert.deepEqual(one, two);
    // The order's rows were written without its run, so the refund it would take is refused: the restock is what this proves.
    assert.deepEqual(await handle.result(), { status: 'received', rmaId, restockable: 2, damaged: 1, refundAmount: 0 });
    assert.equal(one.refund?.status, 'refund_refused');

    assert.equal(await onHand(), before + 2);
    const movements = await db.selectFrom('inventory_movements').select(['reason', 'quantity_delta']).where('reference_id', '=', rmaId).orderBy('reason').execute();
    assert.deepEqual(movements, [
      { reason: 'return', quantity_delta: 3 },
      { reason: 'write_off', quantity_delta: -1 },
    ]);
    assert.deepEqual(await findInventoryDrift(db, { skus: [order.sku] }), []);
    assert.deepEqual((await findReturnDrift(db)).filter((d) => d.rma_id === rmaId), []);
  });
});
