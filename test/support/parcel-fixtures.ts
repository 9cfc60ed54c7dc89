import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { reserveStock } from '../../db/reservations';
import { recordShipments } from '../../db/shipments';
import type { Address } from '../../domain/checkout';
import { toPostalAddress } from '../../domain/postal-address';
import { parcelWorkflowOptions } from '../../workflows/shipment/parcel-workflow-options';
import { shipParcelWorkflowType, type ShipParcelInput, type ShipParcelWorkflow } from '../../workflows/shipment/ship-parcel.messages';
import { createOrder, createStockedSku, TEST_WAREHOUSE_CODE } from './db-fixtures';

export const shopperAddress: Address = { name: 'Ada Lovelace', line1: '1 Main St', city: 'Springfield', region: 'IL', postalCode: '62701', country: 'US' };

/** The test warehouse ships from a real-looking address, so the carrier can rate it. */
export async function giveTestWarehouseAnAddress(db: Kysely<Database>): Promise<void> {
  const address = { name: 'Test DB Warehouse', line1: '100 Warehouse Way', city: 'San Francisco', region: 'CA', postal_code: '94105', country: 'US' };
  // Inserted when missing: on an empty database no fixture may have created it yet.
  await db
    .insertInto('warehouses')
    .values({ code: TEST_WAREHOUSE_CODE, name: 'Test DB Warehouse', country: 'US', region: 'test', address })
    .onConflict((oc) => oc.column('code').doUpdateSet({ address }))
    .execute();
}

export interface ReservedParcel {
  input: ShipParcelInput;
  sku: string;
  warehouseId: string;
}

/**
 * An order with one line of `quantity` reserved at the test warehouse, and the parcel that ships
 * it: its row written as the order's confirmation writes it, its workflow not started.
 */
export async function reservedParcel(db: Kysely<Database>, { quantity = 2, onHand = 10, shipTo = shopperAddress, overrides = {} }: { quantity?: number; onHand?: number; shipTo?: Address; overrides?: Partial<ShipParcelInput> } = {}): Promise<ReservedParcel> {
  const { sku, warehouseId } = await createStockedSku(db, onHand);
  await giveTestWarehouseAnAddress(db);
  const order = await createOrder(db);
  await db.insertInto('order_items').values({ order_id: order.id, sku, product_name: `Test product ${sku}`, quantity, unit_price_amount: 2500, total_amount: 2500 * quantity }).execute();
  const reserved = await reserveStock(db, order.id, [{ sku, warehouseId, quantity }], new Date(Date.now() + 48 * 3600_000));
  if (reserved.kind !== 'reserved') throw new Error(`could not reserve ${sku}`);
  const input: ShipParcelInput = { shipmentId: randomUUID(), orderId: order.id, warehouseId, warehouseCode: TEST_WAREHOUSE_CODE, lines: [{ sku, quantity }], shipTo, speed: 'standard', quoted: { amount: 800, currency: 'USD' }, ...overrides };
  await db.transaction().execute((trx) => recordShipments(trx, order.id, [{ id: input.shipmentId, warehouseId, shipTo: toPostalAddress(input.shipTo), lines: input.lines, charged: input.quoted }]));
  return { sku, warehouseId, input };
}

/** Starts the parcel's workflow as the order starts it as a child: same id, queue and summary, but with no parent. */
export function startParcel(client: Client, input: ShipParcelInput) {
  return client.workflow.start<ShipParcelWorkflow>(shipParcelWorkflowType, { ...parcelWorkflowOptions(input), args: [input] });
}
