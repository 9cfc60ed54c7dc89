import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { createReturn, findOrderForReturn, findReturn, findReturnDrift, moveReturn, receiveReturn, recordReturnRefundPending } from '../../db/returns';
import { assertRefused, createOrder, createStockedSku, createTestDb, type StockedSku } from '../support/db-fixtures';

describe('returns (PostgreSQL)', () => {
  let db: Kysely<Database>;
  before(() => {
    db = createTestDb();
  });
  after(() => db.destroy());

  /** An order of `quantity` units of a fresh SKU, `delivered` of them in a delivered parcel. */
  async function deliveredOrder(quantity: number, delivered: number): Promise<{ orderId: string; itemId: string; stocked: StockedSku }> {
    const stocked = await createStockedSku(db, 10, 1500);
    const order = await createOrder(db);
    const item = await db
      .insertInto('order_items')
      .values({ order_id: order.id, sku: stocked.sku, product_name: 'Test', quantity, unit_price_amount: 1500, total_amount: 1500 * quantity })
      .returning('id')
      .executeTakeFirstOrThrow();
    const parcel = await db
      .insertInto('shipments')
      .values({ order_id: order.id, warehouse_id: stocked.warehouseId, status: 'delivered', delivered_at: new Date(), ship_to: { line1: '1 Main St', city: 'Springfield', country: 'US' } })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('shipment_items').values({ shipment_id: parcel.id, order_item_id: item.id, quantity: delivered }).execute();
    return { orderId: order.id, itemId: item.id, stocked };
  }
  const request = (orderId: string, itemId: string, sku: string, quantity: number) =>
    createReturn(db, {
      orderId,
      reasonCode: 'damaged',
      currency: 'USD',
      requestedBy: 'cust-1',
      approvalDeadline: new Date(Date.now() + 86_400_000),
      lines: [{ orderItemId: itemId, sku, quantity, unitPriceAmount: 1500 }],
    });

  it('sees what was delivered and already returned, and refuses a return beyond the delivered units', async () => {
    const { orderId, itemId, stocked } = await deliveredOrder(3, 2);
    const first = await request(orderId, itemId, stocked.sku, 1);
    assert.equal(first.kind, 'created');
    const view = await findOrderForReturn(db, orderId);
    assert.deepEqual(view?.lines.map((l) => [l.delivered, l.alreadyReturned]), [[2, 1]]);
    assert.ok(view?.deliveredAt instanceof Date);
    assert.deepEqual(await request(orderId, itemId, stocked.sku, 2), { kind: 'quantity_exceeds_delivered' });
    assert.equal((await request(orderId, itemId, stocked.sku, 1)).kind, 'created');
    assert.deepEqual(await request(orderId, itemId, stocked.sku, 1), { kind: 'quantity_exceeds_delivered' });
  });

  it('never lets concurrent requests together exceed the delivered units', async () => {
    const { orderId, itemId, stocked } = await deliveredOrder(5, 5);
    const results = await Promise.all(Array.from({ length: 12 }, () => request(orderId, itemId, stocked.sku, 1)));
    assert.equal(results.filter((r) => r.kind === 'created').length, 5);
    const live = await db.selectFrom('return_lines').select((eb) => eb.fn.sum<string>('quantity').as('units')).where('order_item_id', '=', itemId).executeTakeFirstOrThrow();
    assert.equal(Number(live.units), 5);
  });

  it('frees the units of a denied return, and a final return cannot come back', async () => {
    const { orderId, itemId, stocked } = await deliveredOrder(1, 1);
    const first = await request(orderId, itemId, stocked.sku, 1);
    assert.equal(first.kind, 'created');
    if (first.kind !== 'created') return;
    assert.equal(await moveReturn(db, first.rmaId, ['requested'], 'denied', { decision_reason: 'worn', decided_by: 'agent' }), true);
    assert.equal(await moveReturn(db, first.rmaId, ['requested'], 'approved'), false);
    await assertRefused(db.updateTable('returns').set({ status: 'approved' }).where('id', '=', first.rmaId).execute(), {
      code: '23514',
      constraint: 'returns_final_is_final',
    });
    assert.equal((await request(orderId, itemId, stocked.sku, 1)).kind, 'created');
  });

  it('puts restockable units back and writes damaged ones off, once, and the ledger reconciles', async () => {
    const { orderId, itemId, stocked } = await deliveredOrder(3, 3);
    const created = await request(orderId, itemId, stocked.sku, 3);
    assert.equal(created.kind, 'created');
    if (created.kind !== 'created') return;
    await moveReturn(db, created.rmaId, ['requested'], 'approved', { approval: 'auto' });
    const receipt = {
      rmaId: created.rmaId,
      warehouseId: stocked.warehouseId,
      receivedBy: 'wh-1',
      lines: [{ orderItemId: itemId, sku: stocked.sku, quantity: 3, unitPriceAmount: 1500, restockable: 2, damaged: 1, units: ['restockable', 'damaged', 'restockable'] as ('restockable' | 'damaged')[] }],
    };
    const results = await Promise.all([receiveReturn(db, receipt), receiveReturn(db, receipt)]);
    assert.deepEqual(results.map((r) => r.kind === 'received' && r.applied).sort(), [false, true]);
    const stock = await db.selectFrom('inventory').select('on_hand').where('sku', '=', stocked.sku).executeTakeFirstOrThrow();
    assert.equal(stock.on_hand, 12);
    const movements = await db.selectFrom('inventory_movements').select(['reason', 'quantity_delta']).where('reference_id', '=', created.rmaId).orderBy('reason').execute();
    assert.deepEqual(movements, [
      { reason: 'return', quantity_delta: 3 },
      { reason: 'write_off', quantity_delta: -1 },
    ]);
    const rma = await findReturn(db, created.rmaId);
    assert.equal(rma?.status, 'received');
    assert.deepEqual(rma?.lines.map((l) => [l.restockable_quantity, l.damaged_quantity]), [[2, 1]]);
    assert.deepEqual(await recordReturnRefundPending(db, created.rmaId, 4500), { amount: 4500 });
    assert.deepEqual(await recordReturnRefundPending(db, created.rmaId, 1), { amount: 4500 });
    assert.deepEqual(await findInventoryDrift(db, { skus: [stocked.sku] }), []);
    assert.deepEqual((await findReturnDrift(db)).filter((d) => d.rma_id === created.rmaId), []);
  });

  it('reconciliation names a return movement that no received return accounts for', async () => {
    const stocked = await createStockedSku(db, 1);
    const rollback = new Error('rollback');
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('inventory_movements')
          .values({ sku: stocked.sku, warehouse_id: stocked.warehouseId, quantity_delta: 2, reason: 'return', reference_type: 'return', reference_id: 'rma-without-receipt' })
          .execute();
        const drift = (await findReturnDrift(trx)).filter((d) => d.rma_id === 'rma-without-receipt');
        assert.deepEqual(drift, [{ rma_id: 'rma-without-receipt', sku: stocked.sku, received: 0, returned: 2, damaged: 0, written_off: 0 }]);
        throw rollback;
      }),
      (error) => error === rollback,
    );
  });

  it('refuses an inspection with more units than the line returned', async () => {
    const { orderId, itemId, stocked } = await deliveredOrder(1, 1);
    const created = await request(orderId, itemId, stocked.sku, 1);
    if (created.kind !== 'created') return assert.fail();
    await assertRefused(
      db.updateTable('return_lines').set({ restockable_quantity: 1, damaged_quantity: 1 }).where('return_id', '=', created.rmaId).execute(),
      { code: '23514', constraint: 'return_lines_inspection_counts' },
    );
  });
});
