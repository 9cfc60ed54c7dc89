import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { createReturn } from '../../db/returns';
import { toPostalAddress } from '../../domain/postal-address';
import type { ReturnReasonCode } from '../../domain/returns';
import { processReturnWorkflowType, returnWorkflowId, type ProcessReturnWorkflow, type ReturnInput, type ReturnPolicy } from '../../workflows/returns/process-return.messages';
import { ReturnStatus } from '../../workflows/shared/search-attributes';
import { taskQueues } from '../../workflows/shared/task-queues';
import { createOrder, createStockedSku } from './db-fixtures';
import { giveTestWarehouseAnAddress, shopperAddress } from './parcel-fixtures';

export const returnPolicy: ReturnPolicy = { autoApproveBelow: 10_000, approvalTimeout: '3 days', labelValidity: '14 days', supportEmail: 'support@example.com' };

export interface DeliveredOrder {
  orderId: string;
  itemId: string;
  sku: string;
  productId: string;
  warehouseId: string;
  unitPrice: number;
}

/** An order of `quantity` units of a fresh SKU from the test warehouse, all delivered (rows as the parcel workflow leaves them). */
export async function deliveredOrder(db: Kysely<Database>, { quantity = 3, unitPrice = 1500, onHand = 10 } = {}): Promise<DeliveredOrder> {
  const { sku, productId, warehouseId } = await createStockedSku(db, onHand, unitPrice);
  await giveTestWarehouseAnAddress(db);
  const order = await createOrder(db, { totalAmount: unitPrice * quantity });
  const item = await db
    .insertInto('order_items')
    .values({ order_id: order.id, sku, product_name: `Test product ${sku}`, quantity, unit_price_amount: unitPrice, total_amount: unitPrice * quantity })
    .returning('id')
    .executeTakeFirstOrThrow();
  const parcel = await db
    .insertInto('shipments')
    .values({ order_id: order.id, warehouse_id: warehouseId, status: 'delivered', delivered_at: new Date(), shipped_at: new Date(), ship_to: toPostalAddress(shopperAddress) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('shipment_items').values({ shipment_id: parcel.id, order_item_id: item.id, quantity }).execute();
  return { orderId: order.id, itemId: item.id, sku, productId, warehouseId, unitPrice };
}

/** A return of `quantity` units recorded as the API records it, and its workflow started as the API starts it. */
export async function startReturn(
  db: Kysely<Database>,
  client: Client,
  order: DeliveredOrder,
  { quantity = 3, reasonCode = 'damaged' as ReturnReasonCode, policy = returnPolicy, riskLevel = 'low' as ReturnInput['riskLevel'] } = {},
) {
  const lines = [{ orderItemId: order.itemId, sku: order.sku, quantity, unitPriceAmount: order.unitPrice }];
  const created = await createReturn(db, { orderId: order.orderId, reasonCode, currency: 'USD', requestedBy: 'customer-1', approvalDeadline: new Date(Date.now() + 86_400_000), lines });
  if (created.kind !== 'created') throw new Error(`could not record the return: ${created.kind}`);
  const input: ReturnInput = { rmaId: created.rmaId, orderId: order.orderId, reasonCode, amount: quantity * order.unitPrice, currency: 'USD', riskLevel, lines, policy };
  const handle = await client.workflow.start<ProcessReturnWorkflow>(processReturnWorkflowType, {
    workflowId: returnWorkflowId(created.rmaId),
    taskQueue: taskQueues.inventory,
    args: [input],
    typedSearchAttributes: [{ key: ReturnStatus, value: ['REQUESTED'] }],
  });
  return { rmaId: created.rmaId, input, handle };
}
