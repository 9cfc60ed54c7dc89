import { sql, type Kysely, type Transaction } from 'kysely';
import type { InspectedLine, ReturnableLine, ReturnReasonCode, ReturnRefund, ReturnStatus } from '../domain/returns';
import type { Database } from './database';
import { bumpSearchVersion } from './receive-stock';
import type { ReturnRow } from './tables/returns.table';

type Conn = Kysely<Database> | Transaction<Database>;

export interface OrderForReturn {
  orderId: string;
  customerId: string | null;
  /** The token subject of the customer who placed it. */
  customerSubject: string | null;
  currency: string;
  riskLevel: 'low' | 'medium' | 'high' | null;
  /** When the last delivered parcel arrived; null while nothing is delivered. */
  deliveredAt: Date | null;
  lines: ReturnableLine[];
}

/** What a return request is judged against: per order line, delivered units and units in live returns. */
export async function findOrderForReturn(db: Conn, orderId: string): Promise<OrderForReturn | undefined> {
  const order = await db
    .selectFrom('orders as o')
    .leftJoin('customers as c', 'c.id', 'o.customer_id')
    .select(['o.id', 'o.customer_id', 'c.auth_subject', 'o.currency', 'o.risk_level'])
    .where('o.id', '=', orderId)
    .executeTakeFirst();
  if (!order) return undefined;
  const delivered = await db
    .selectFrom('shipments')
    .select(sql<Date | null>`max(delivered_at)`.as('delivered_at'))
    .where('order_id', '=', orderId)
    .where('status', '=', 'delivered')
    .executeTakeFirstOrThrow();
  const lines = await db
    .selectFrom('order_items as oi')
    .select([
      'oi.id',
      'oi.sku',
      'oi.unit_price_amount',
      sql<number>`(select coalesce(sum(si.quantity), 0)::int from shipment_items si join shipments s on s.id = si.shipment_id
                   where si.order_item_id = oi.id and s.status = 'delivered')`.as('delivered'),
      sql<number>`(select coalesce(sum(rl.quantity), 0)::int from return_lines rl join returns r on r.id = rl.return_id
                   where rl.order_item_id = oi.id and r.status not in ('denied', 'expired'))`.as('returned'),
    ])
    .where('oi.order_id', '=', orderId)
    .orderBy('oi.sku')
    .execute();
  return {
    orderId: order.id,
    customerId: order.customer_id,
    customerSubject: order.auth_subject,
    currency: order.currency,
    riskLevel: order.risk_level,
    deliveredAt: delivered.delivered_at ? new Date(delivered.delivered_at) : null,
    lines: lines.map((line) => ({
      orderItemId: line.id,
      sku: line.sku,
      unitPriceAmount: Number(line.unit_price_amount),
      delivered: line.delivered,
      alreadyReturned: line.returned,
    })),
  };
}

export interface NewReturn {
  orderId: string;
  reasonCode: ReturnReasonCode;
  note?: string | null;
  currency: string;
  requestedBy: string;
  approvalDeadline: Date;
  lines: { orderItemId: string; sku: string; quantity: number; unitPriceAmount: number }[];
}

export type CreateReturnResult = { kind: 'created'; rmaId: string } | { kind: 'quantity_exceeds_delivered' };

/**
 * Records a return and its lines in one transaction. The database refuses units beyond what was
 * delivered (also against concurrent requests): that refusal is an answer, not an error.
 */
export async function createReturn(db: Kysely<Database>, request: NewReturn): Promise<CreateReturnResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('returns')
        .values({
          order_id: request.orderId,
          reason_code: request.reasonCode,
          note: request.note ?? null,
          currency: request.currency,
          requested_amount: request.lines.reduce((sum, line) => sum + line.quantity * line.unitPriceAmount, 0),
          requested_by: request.requestedBy,
          approval_deadline: request.approvalDeadline,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Lines in order-item order, so two requests lock the same order lines in the same order.
      const lines = [...request.lines].sort((a, b) => a.orderItemId.localeCompare(b.orderItemId));
      await trx
        .insertInto('return_lines')
        .values(
          lines.map((line) => ({
            return_id: row.id,
            order_item_id: line.orderItemId,
            sku: line.sku,
            quantity: line.quantity,
            unit_price_amount: line.unitPriceAmount,
            inspection: null,
            restockable_quantity: null,
            damaged_quantity: null,
          })),
        )
        .execute();
      return { kind: 'created' as const, rmaId: row.id };
    });
  } catch (error) {
    if ((error as { constraint?: string }).constraint === 'return_lines_within_delivered') return { kind: 'quantity_exceeds_delivered' };
    throw error;
  }
}

export interface ReturnWithLines extends ReturnRow {
  lines: { order_item_id: string; sku: string; quantity: number; unit_price_amount: number; restockable_quantity: number | null; damaged_quantity: number | null }[];
}

export async function findReturn(db: Conn, rmaId: string): Promise<ReturnWithLines | undefined> {
  const row = await db.selectFrom('returns').selectAll().where('id', '=', rmaId).executeTakeFirst();
  if (!row) return undefined;
  const lines = await db
    .selectFrom('return_lines')
    .select(['order_item_id', 'sku', 'quantity', 'unit_price_amount', 'restockable_quantity', 'damaged_quantity'])
    .where('return_id', '=', rmaId)
    .orderBy('sku')
    .execute();
  return { ...row, lines: lines.map((line) => ({ ...line, unit_price_amount: Number(line.unit_price_amount) })) };
}

/** The order a return belongs to, as a one-element list for a terms filter; empty when there is no such return. */
export async function findReturnOrderId(db: Conn, rmaId: string): Promise<string[]> {
  const row = await db.selectFrom('returns').select('order_id').where('id', '=', rmaId).executeTakeFirst();
  return row ? [row.order_id] : [];
}

export async function listOrderReturns(db: Conn, orderId: string): Promise<ReturnWithLines[]> {
  const ids = await db.selectFrom('returns').select('id').where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute();
  const found = await Promise.all(ids.map((row) => findReturn(db, row.id)));
  return found.filter((row): row is ReturnWithLines => row !== undefined);
}

/** Moves a return from one status to the next; false when it was not in `from` (a retry that already moved it, or a race lost). */
export async function moveReturn(
  db: Conn,
  rmaId: string,
  from: ReturnStatus[],
  to: ReturnStatus,
  set: Partial<{
    approval: 'auto' | 'support';
    decided_by: string;
    decision_reason: string;
    decided_at: Date;
    expired_reason: string;
    return_by: Date;
    label_voided_at: Date;
  }> = {},
): Promise<boolean> {
  const result = await db.updateTable('returns').set({ status: to, ...set }).where('id', '=', rmaId).where('status', 'in', from).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Where the label sends the return, and our reference for it at the carrier: set once. */
export async function assignReturnCarrierReference(db: Conn, rmaId: string, { reference, warehouseId }: { reference: string; warehouseId: string }): Promise<void> {
  await db.updateTable('returns').set({ carrier_reference: reference, warehouse_id: warehouseId }).where('id', '=', rmaId).where('carrier_reference', 'is', null).execute();
}

/** The carrier's shipment id, kept before the label is bought so a retried purchase finds it. */
export async function rememberReturnCarrierShipment(db: Conn, rmaId: string, carrierShipmentId: string): Promise<void> {
  await db.updateTable('returns').set({ carrier_shipment_id: carrierShipmentId }).where('id', '=', rmaId).execute();
}

export async function recordReturnLabel(
  db: Conn,
  rmaId: string,
  label: { carrier: string; labelId: string; labelUrl: string; trackingNumber: string; returnBy: Date },
): Promise<void> {
  await db
    .updateTable('returns')
    .set({ carrier: label.carrier, label_id: label.labelId, label_url: label.labelUrl, tracking_number: label.trackingNumber, return_by: label.returnBy })
    .where('id', '=', rmaId)
    .execute();
}

/**
 * The warehouse a return goes back to: the one that shipped most of its units (the first by code
 * on a tie), from the parcels that delivered them, with the address the parcel went to.
 */
export async function findReturnRoute(db: Conn, rmaId: string) {
  return db
    .selectFrom('return_lines as rl')
    .innerJoin('shipment_items as si', 'si.order_item_id', 'rl.order_item_id')
    .innerJoin('shipments as s', 's.id', 'si.shipment_id')
    .innerJoin('warehouses as w', 'w.id', 's.warehouse_id')
    .select(['w.id as warehouse_id', 'w.code as warehouse_code', sql<unknown>`(array_agg(s.ship_to order by s.delivered_at desc))[1]`.as('ship_to')])
    .where('rl.return_id', '=', rmaId)
    .where('s.status', '=', 'delivered')
    .groupBy(['w.id', 'w.code'])
    .orderBy(sql`sum(si.quantity)`, 'desc')
    .orderBy('w.code')
    .executeTakeFirst();
}

export interface ReturnReceipt {
  rmaId: string;
  warehouseId: string;
  receivedBy: string;
  lines: (InspectedLine & { units: ('restockable' | 'damaged')[] })[];
}

export type ReceiveReturnResult = { kind: 'received'; applied: boolean; productIds: string[] } | { kind: 'not_awaiting_receipt'; status: ReturnStatus };

/**
 * Applies a return's receipt exactly once, under the return's row lock: restockable units back on
 * hand with a 'return' movement, damaged units received and written off ('return' then
 * 'write_off', netting zero), the inspection on the lines, the return received. The movements'
 * (reason, reference_id, sku, warehouse_id) key makes any second attempt a no-op besides.
 */
export async function receiveReturn(db: Kysely<Database>, receipt: ReturnReceipt): Promise<ReceiveReturnResult> {
  return db.transaction().execute(async (trx) => {
    const rma = await trx.selectFrom('returns').select(['status']).where('id', '=', receipt.rmaId).forUpdate().executeTakeFirstOrThrow();
    const productIds = await productIdsOf(trx, receipt.lines.map((line) => line.sku));
    if (rma.status === 'received') return { kind: 'received', applied: false, productIds };
    if (rma.status !== 'label_sent' && rma.status !== 'approved') return { kind: 'not_awaiting_receipt', status: rma.status };

    const lines = [...receipt.lines].sort((a, b) => a.sku.localeCompare(b.sku));
    for (const line of lines) {
      await trx
        .updateTable('return_lines')
        .set({ inspection: JSON.stringify(line.units), restockable_quantity: line.restockable, damaged_quantity: line.damaged })
        .where('return_id', '=', receipt.rmaId)
        .where('order_item_id', '=', line.orderItemId)
        .execute();
      const received = line.restockable + line.damaged;
      if (received === 0) continue;
      await trx
        .insertInto('inventory')
        .values({ sku: line.sku, warehouse_id: receipt.warehouseId, on_hand: line.restockable })
        .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doUpdateSet({ on_hand: sql<number>`inventory.on_hand + excluded.on_hand` }))
        .execute();
      const movement = { sku: line.sku, warehouse_id: receipt.warehouseId, reference_type: 'return', reference_id: receipt.rmaId };
      await trx
        .insertInto('inventory_movements')
        .values([
          { ...movement, reason: 'return' as const, quantity_delta: received, note: `${line.restockable} restockable, ${line.damaged} damaged` },
          ...(line.damaged > 0 ? [{ ...movement, reason: 'write_off' as const, quantity_delta: -line.damaged, note: 'damaged on return' }] : []),
        ])
        .onConflict((oc) => oc.constraint('inventory_movements_dedupe_key').doNothing())
        .execute();
    }
    await trx
      .updateTable('returns')
      .set({ status: 'received', received_at: sql<Date>`now()`, received_by: receipt.receivedBy })
      .where('id', '=', receipt.rmaId)
      .execute();
    await bumpSearchVersion(trx, productIds);
    return { kind: 'received', applied: true, productIds };
  });
}

async function productIdsOf(trx: Transaction<Database>, skus: string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await trx.selectFrom('product_variants').select('product_id').distinct().where('sku', 'in', skus).execute();
  return rows.map((row) => row.product_id).sort();
}

/**
 * The accepted units' amount recorded on the return as refund_pending: how returns received before
 * refunds went through the order were settled. Idempotent: a second call keeps the first amount.
 */
export async function recordReturnRefundPending(db: Conn, rmaId: string, amount: number): Promise<{ amount: number }> {
  await db.updateTable('returns').set({ refund_amount: amount, refund_status: 'refund_pending' }).where('id', '=', rmaId).where('refund_status', 'is', null).execute();
  const row = await db.selectFrom('returns').select('refund_amount').where('id', '=', rmaId).executeTakeFirstOrThrow();
  return { amount: Number(row.refund_amount) };
}

/**
 * Returns whose ledger disagrees with their inspection: for every received return and SKU, the
 * 'return' movements must equal the units received and the 'write_off' movements the damaged ones.
 */
export async function findReturnDrift(db: Conn): Promise<{ rma_id: string; sku: string; received: number; returned: number; damaged: number; written_off: number }[]> {
  const { rows } = await sql<{ rma_id: string; sku: string; received: number; returned: number; damaged: number; written_off: number }>`
    with inspected as (
      select r.id::text as rma_id, rl.sku,
             sum(rl.restockable_quantity + rl.damaged_quantity)::int as received, sum(rl.damaged_quantity)::int as damaged
      from returns r join return_lines rl on rl.return_id = r.id
      where r.status = 'received'
      group by r.id, rl.sku
    ), ledger as (
      select reference_id as rma_id, sku,
             coalesce(sum(quantity_delta) filter (where reason = 'return'), 0)::int as returned,
             coalesce(-sum(quantity_delta) filter (where reason = 'write_off'), 0)::int as written_off
      from inventory_movements where reference_type = 'return'
      group by reference_id, sku
    )
    select coalesce(i.rma_id, l.rma_id) as rma_id, coalesce(i.sku, l.sku) as sku,
           coalesce(i.received, 0) as received, coalesce(l.returned, 0) as returned,
           coalesce(i.damaged, 0) as damaged, coalesce(l.written_off, 0) as written_off
    from inspected i full join ledger l on l.rma_id = i.rma_id and l.sku = i.sku
    where coalesce(i.received, 0) <> coalesce(l.returned, 0) or coalesce(i.damaged, 0) <> coalesce(l.written_off, 0)
    order by 1, 2
  `.execute(db);
  return rows;
}

/** The order's answer to the return's refund request, recorded once: a second answer keeps the first. */
export async function recordReturnRefund(db: Conn, rmaId: string, refund: ReturnRefund): Promise<ReturnRefund> {
  await db
    .updateTable('returns')
    .set({
      refund_status: refund.status,
      refund_amount: refund.amount,
      refund_id: refund.status === 'refund_requested' ? refund.refundId : null,
      refund_refusal: refund.status === 'refund_refused' ? refund.reason : null,
    })
    .where('id', '=', rmaId)
    .where('refund_status', 'is', null)
    .execute();
  const row = await db.selectFrom('returns').select(['refund_status', 'refund_amount', 'refund_id', 'refund_refusal']).where('id', '=', rmaId).executeTakeFirstOrThrow();
  return returnRefundOf(row)!;
}

/** The refund a return recorded, if the order answered already. */
export function returnRefundOf(row: Pick<ReturnRow, 'refund_status' | 'refund_amount' | 'refund_id' | 'refund_refusal'>): ReturnRefund | undefined {
  const amount = Number(row.refund_amount ?? 0);
  switch (row.refund_status) {
    case 'refund_requested':
      return { status: row.refund_status, refundId: row.refund_id!, amount };
    case 'refund_refused':
      return { status: row.refund_status, reason: row.refund_refusal!, amount: 0 };
    case 'nothing_to_refund':
      return { status: row.refund_status, amount: 0 };
    case 'refund_pending':
      return { status: row.refund_status, amount };
    default:
      return undefined;
  }
}
