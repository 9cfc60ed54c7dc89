import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { findInventoryDrift } from '../../db/reconcile-inventory';
import { shipParcelStock } from '../../db/ship-parcel-stock';
import { createTestDb } from '../support/db-fixtures';
import { reservedParcel } from '../support/parcel-fixtures';

describe('stock leaving at handover (PostgreSQL)', () => {
  let db: Kysely<Database>;
  before(() => {
    db = createTestDb();
  });
  after(() => db.destroy());

  const stock = (sku: string) => db.selectFrom('inventory').select(['on_hand', 'reserved']).where('sku', '=', sku).executeTakeFirstOrThrow();

  it('moves on_hand and reserved down once, commits the reservation, records one movement and marks the shipment shipped, however often it runs', async () => {
    const { input, sku } = await reservedParcel(db, { quantity: 3, onHand: 5 });
    const parcel = { shipmentId: input.shipmentId, orderId: input.orderId, warehouseId: input.warehouseId, lines: input.lines };
    assert.deepEqual(await shipParcelStock(db, parcel), { kind: 'shipped', alreadyShipped: false });
    assert.deepEqual(await shipParcelStock(db, parcel), { kind: 'shipped', alreadyShipped: true });
    assert.deepEqual(await stock(sku), { on_hand: 2, reserved: 0 });
    const movements = await db.selectFrom('inventory_movements').select(['quantity_delta']).where('reference_id', '=', input.shipmentId).execute();
    assert.deepEqual(movements, [{ quantity_delta: -3 }]);
    const row = await db.selectFrom('shipments').select(['status', 'shipped_at']).where('id', '=', input.shipmentId).executeTakeFirstOrThrow();
    assert.equal(row.status, 'in_transit');
    assert.ok(row.shipped_at);
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
  });

  it('refuses a parcel carrying more than the order holds reserved, and moves nothing', async () => {
    const { input, sku } = await reservedParcel(db, { quantity: 1, onHand: 5 });
    const result = await shipParcelStock(db, { shipmentId: input.shipmentId, orderId: input.orderId, warehouseId: input.warehouseId, lines: [{ sku, quantity: 2 }] });
    assert.deepEqual(result, { kind: 'not-reserved', sku, reserved: 1, requested: 2 });
    assert.deepEqual(await stock(sku), { on_hand: 5, reserved: 1 });
    assert.deepEqual(await findInventoryDrift(db, { skus: [sku] }), []);
  });
});
