import assert from 'node:assert/strict';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { findReturn, findReturnDrift } from '../../db/returns';
import { decideReturnUpdate, receiveReturnUpdate, returnViewQuery } from '../../workflows/returns/process-return.messages';
import { ReturnStatus } from '../../workflows/shared/search-attributes';
import { eventually } from '../support/eventually';
import { TEST_WAREHOUSE_CODE } from '../support/db-fixtures';
import { startParcelStack, type ParcelStack } from '../support/parcel-stack';
import { deliveredOrder, returnPolicy, startReturn } from '../support/return-fixtures';
import { testStack } from '../support/test-stack';

describe('the return workflow return-<rmaId> (carrier sandbox, real workers, PostgreSQL)', function () {
  this.timeout(90_000);
  let s: ParcelStack;
  before(async () => {
    s = await startParcelStack();
  });
  after(() => s.stop());
  const client = () => testStack().temporal.client;
  const onHand = async (sku: string) => (await s.db.selectFrom('inventory').select('on_hand').where('sku', '=', sku).executeTakeFirstOrThrow()).on_hand;

  it('approves a small return, emails a return label, and puts back exactly the restockable units once however often the receipt is posted', async () => {
    const order = await deliveredOrder(s.db, { quantity: 3, unitPrice: 1500 });
    const before = await onHand(order.sku);
    const { rmaId, handle } = await startReturn(s.db, client(), order, { quantity: 3, reasonCode: 'changed-mind' });

    const sent = await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { what: 'the label sent' });
    assert.equal(sent.approval, 'auto');
    assert.equal(sent.warehouseCode, TEST_WAREHOUSE_CODE);
    const row = await findReturn(s.db, rmaId);
    assert.ok(row?.carrier_shipment_id && row.tracking_number && row.label_url);
    const atCarrier = (await s.sandbox.client().Shipment.retrieve(row.carrier_shipment_id)) as unknown as { is_return: boolean; reference: string };
    assert.deepEqual([atCarrier.is_return, atCarrier.reference], [true, `return-${rmaId}`]);
    const email = await s.db.selectFrom('notifications').select(['template', 'payload', 'recipient']).where('dedupe_key', '=', `return-${rmaId}/return-label`).executeTakeFirstOrThrow();
    assert.deepEqual(email.payload, { rmaId, labelUrl: row.label_url, carrier: row.carrier, trackingNumber: row.tracking_number, returnBy: row.return_by?.toISOString() });

    const receipt = { warehouseCode: TEST_WAREHOUSE_CODE, receivedBy: 'picker-1', lines: [{ orderItemId: order.itemId, units: ['restockable' as const, 'damaged' as const, 'restockable' as const] }] };
    const outcomes = await Promise.all([
      handle.executeUpdate(receiveReturnUpdate, { args: [receipt] }),
      handle.executeUpdate(receiveReturnUpdate, { args: [receipt] }),
    ]);
    assert.deepEqual(outcomes[0], outcomes[1]);
    // The order's rows were written without its run: the refund it is asked for is refused, and the return says why.
    assert.deepEqual([outcomes[0].refundAmount, outcomes[0].refund], [0, { status: 'refund_refused', reason: "order-not-running: the order's workflow has ended", amount: 0 }]);
    assert.deepEqual(await handle.result(), { status: 'received', rmaId, restockable: 2, damaged: 1, refundAmount: 0 });

    assert.equal(await onHand(order.sku), before + 2);
    const movements = await s.db.selectFrom('inventory_movements').select(['reason', 'quantity_delta']).where('reference_id', '=', rmaId).orderBy('reason').execute();
    assert.deepEqual(movements, [{ reason: 'return', quantity_delta: 3 }, { reason: 'write_off', quantity_delta: -1 }]);
    const after = await findReturn(s.db, rmaId);
    assert.deepEqual([after?.status, after?.refund_status, after?.refund_amount], ['received', 'refund_refused', 0]);
    assert.deepEqual(await findInventoryDrift(s.db, { skus: [order.sku] }), []);
    assert.deepEqual((await findReturnDrift(s.db)).filter((d) => d.rma_id === rmaId), []);
    const described = await handle.describe();
    assert.deepEqual(described.typedSearchAttributes.get(ReturnStatus), ['RECEIVED']);
  });

  it('refuses a receipt at another warehouse or with more units than returned, with typed reasons', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1 });
    const { handle } = await startReturn(s.db, client(), order, { quantity: 1 });
    await eventually(() => handle.query(returnViewQuery), (view) => view.status === 'label_sent', { what: 'the label sent' });
    const refusal = (error: unknown) => (error as { cause?: { type?: string } }).cause?.type;
    await assert.rejects(handle.executeUpdate(receiveReturnUpdate, { args: [{ warehouseCode: 'WH-OTHER', receivedBy: 'p', lines: [] }] }), (e) => refusal(e) === 'wrong-warehouse');
    await assert.rejects(
      handle.executeUpdate(receiveReturnUpdate, { args: [{ warehouseCode: TEST_WAREHOUSE_CODE, receivedBy: 'p', lines: [{ orderItemId: order.itemId, units: ['damaged', 'damaged'] }] }] }),
      (e) => refusal(e) === 'inspection-mismatch',
    );
    await handle.terminate('test done');
  });

  it('waits for support above the limit; a denial is audited with its actor and reason', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1, unitPrice: 20_000 });
    const { rmaId, handle } = await startReturn(s.db, client(), order, { quantity: 1 });
    assert.equal((await handle.query(returnViewQuery)).status, 'requested');
    const view = await handle.executeUpdate(decideReturnUpdate, { args: [{ decision: 'deny', actorId: 'agent-7', actorRole: 'support', reason: 'worn before return' }] });
    assert.equal(view.status, 'denied');
    assert.deepEqual(await handle.result(), { status: 'denied', rmaId, reason: 'worn before return' });
    const audit = await s.db.selectFrom('support_actions').select(['actor_id', 'action', 'reason', 'target_type']).where('target_id', '=', rmaId).execute();
    assert.deepEqual(audit, [{ actor_id: 'agent-7', action: 'deny-return', reason: 'worn before return', target_type: 'return' }]);
    assert.equal((await findReturn(s.db, rmaId))?.status, 'denied');
  });

  it('expires a return nobody decided by the deadline, and tells support', async () => {
    const order = await deliveredOrder(s.db, { quantity: 1 });
    const { rmaId, handle } = await startReturn(s.db, client(), order, { quantity: 1, riskLevel: 'high', policy: { ...returnPolicy, approvalTimeout: '2 seconds' } });
    assert.deepEqual(await handle.result(), { status: 'expired', rmaId, reason: 'approval-deadline' });
    assert.equal((await findReturn(s.db, rmaId))?.status, 'expired');
    const told = await s.db.selectFrom('notifications').select(['recipient', 'template']).where('dedupe_key', '=', `return-${rmaId}/approval-expired`).executeTakeFirstOrThrow();
    assert.deepEqual(told, { recipient: 'support@example.com', template: 'return-approval-expired' });
    await assert.rejects(handle.executeUpdate(decideReturnUpdate, { args: [{ decision: 'approve', actorId: 'a', actorRole: 'support', reason: 'late' }] }));
  });
});
