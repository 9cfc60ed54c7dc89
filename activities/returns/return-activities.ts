import { ApplicationFailure } from '@temporalio/common';
import { sql, type Kysely } from 'kysely';
import type { Database, PostalAddress } from '../../db/database';
import { recordSupportAudit } from '../../db/support-actions';
import {
  assignReturnCarrierReference,
  findReturn,
  findReturnRoute,
  moveReturn,
  receiveReturn,
  recordReturnLabel,
  recordReturnRefundPending,
  rememberReturnCarrierShipment,
} from '../../db/returns';
import { queueBackInStockEmails } from '../../db/back-in-stock';
import { findWarehouse } from '../../db/shipments';
import { checkInspection, refundAmountFor, returnWorkflowId, type InspectionOutcome, type LineInspection, type ReturnRefund, type ReturnStatus } from '../../domain/returns';
import type { Address } from '../../domain/checkout';
import { chooseRate } from '../../domain/rate-choice';
import type { ShippingCarrier } from '../shipping/carrier';
import { warehouseAddress } from '../shipping/shipping-activities';
import { askOrderToRefund } from './ask-order-to-refund';

export interface ReturnActivityDeps {
  db: Kysely<Database>;
  /** Return labels: EasyPost (or the carrier sandbox), when configured. */
  shippingCarrier: ShippingCarrier;
}

/** A returned parcel's size when nobody weighed it: the carrier rates and labels it by this. */
const RETURN_PARCEL = { weightGrams: 1000 };

/** Our reference for a return at the carrier: derived from the RMA, so every attempt uses the same. */
export const returnCarrierReference = (rmaId: string): string => `return-${rmaId}`;

const fromPostal = (address: PostalAddress): Address => ({
  name: address.name ?? 'Customer',
  line1: address.line1,
  ...(address.line2 && { line2: address.line2 }),
  city: address.city,
  ...(address.region && { region: address.region }),
  postalCode: address.postal_code ?? '',
  country: address.country,
});

export interface ReturnLabel {
  carrier: string;
  trackingNumber: string;
  labelUrl: string;
  warehouseCode: string;
  returnBy: string;
}

export function createReturnActivities({ db, shippingCarrier }: ReturnActivityDeps) {
  const rmaRow = async (rmaId: string) => {
    const row = await findReturn(db, rmaId);
    if (!row) throw ApplicationFailure.nonRetryable(`no return ${rmaId}`, 'UnknownReturn');
    return row;
  };

  return {
    /** Moves the return's row to its next status; a retry that already moved it changes nothing. */
    async moveReturn({ rmaId, from, to, decidedBy, reason, approval, expiredReason }: {
      rmaId: string;
      from: ReturnStatus[];
      to: ReturnStatus;
      decidedBy?: string;
      reason?: string;
      approval?: 'auto' | 'support';
      expiredReason?: string;
    }): Promise<void> {
      await moveReturn(db, rmaId, from, to, {
        ...(decidedBy && { decided_by: decidedBy, decided_at: new Date() }),
        ...(reason && { decision_reason: reason }),
        ...(approval && { approval }),
        ...(expiredReason && { expired_reason: expiredReason }),
      });
    },

    /** The support audit of a decision on a return: once per update id. */
    async recordReturnDecision(action: { actionId: string; rmaId: string; orderId: string; actorId: string; actorRole: string; decision: 'approve' | 'deny'; reason: string }): Promise<void> {
      await recordSupportAudit(db, {
        action_id: action.actionId,
        actor_id: action.actorId,
        actor_role: action.actorRole,
        action: `${action.decision}-return`,
        order_id: action.orderId,
        target_type: 'return',
        target_id: action.rmaId,
        reason: action.reason,
        payload: JSON.stringify({ rmaId: action.rmaId }),
      });
    },

    /**
     * Support hears of a return nobody decided in time: one email per return. Not an email about the
     * order to its customer, so it names the order in its payload, not in order_id.
     */
    async tellSupportReturnExpired({ rmaId, orderId, supportEmail }: { rmaId: string; orderId: string; supportEmail: string }): Promise<void> {
      await db
        .insertInto('notifications')
        .values({ recipient: supportEmail, template: 'return-approval-expired', payload: { rmaId, orderId }, dedupe_key: `return-${rmaId}/approval-expired` })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    },

    /**
     * Buys the return label once however often it runs: our reference is kept first, the carrier's
     * shipment id before buying, and a label already on the row is the answer.
     */
    async buyReturnLabel({ rmaId, returnBy }: { rmaId: string; returnBy: string }): Promise<ReturnLabel> {
      const row = await rmaRow(rmaId);
      const route = await findReturnRoute(db, rmaId);
      if (!route) throw ApplicationFailure.nonRetryable(`return ${rmaId} has no delivered parcel to go back to`, 'NoReturnRoute');
      if (row.carrier && row.tracking_number && row.label_url && row.return_by) {
        return { carrier: row.carrier, trackingNumber: row.tracking_number, labelUrl: row.label_url, warehouseCode: route.warehouse_code, returnBy: row.return_by.toISOString() };
      }
      const warehouse = await findWarehouse(db, route.warehouse_id);
      if (!warehouse) throw ApplicationFailure.nonRetryable(`no warehouse ${route.warehouse_id}`, 'UnknownWarehouse');
      const reference = row.carrier_reference ?? returnCarrierReference(rmaId);
      await assignReturnCarrierReference(db, rmaId, { reference, warehouseId: warehouse.id });
      const shipment = { from: warehouseAddress(warehouse), to: fromPostal(route.ship_to as PostalAddress), parcel: RETURN_PARCEL, isReturn: true };
      const rates = await shippingCarrier.rateShop(shipment);
      const cheapest = chooseRate(rates, Number.MAX_SAFE_INTEGER, row.currency) ?? rates[0];
      if (!cheapest) throw ApplicationFailure.create({ type: 'NoReturnRate', message: `no carrier rates return ${rmaId}`, nonRetryable: true });
      const label = await shippingCarrier.buyLabel({
        reference,
        shipment,
        choice: { carrier: cheapest.carrier, service: cheapest.service },
        carrierShipmentId: row.carrier_shipment_id,
        rememberShipment: (carrierShipmentId) => rememberReturnCarrierShipment(db, rmaId, carrierShipmentId),
      });
      await recordReturnLabel(db, rmaId, { carrier: label.carrier, labelId: label.carrierShipmentId, labelUrl: label.labelUrl, trackingNumber: label.trackingCode, returnBy: new Date(returnBy) });
      return { carrier: label.carrier, trackingNumber: label.trackingCode, labelUrl: label.labelUrl, warehouseCode: warehouse.code, returnBy };
    },

    /** The `return-label` email in the outbox, to the order's address, once per return. */
    async queueReturnLabelEmail({ rmaId, orderId, label }: { rmaId: string; orderId: string; label: ReturnLabel }): Promise<void> {
      const payload = { rmaId, labelUrl: label.labelUrl, carrier: label.carrier, trackingNumber: label.trackingNumber, returnBy: label.returnBy };
      await db
        .insertInto('notifications')
        .columns(['recipient', 'template', 'payload', 'dedupe_key', 'order_id'])
        .expression((eb) =>
          eb
            .selectFrom('orders')
            .select(['orders.email', eb.val('return-label').as('template'), sql<string>`${JSON.stringify(payload)}::jsonb`.as('payload'), eb.val(`return-${rmaId}/return-label`).as('dedupe_key'), 'orders.id'])
            .where('orders.id', '=', orderId),
        )
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .execute();
    },

    /** Voids the unused return label at the carrier (asking again answers the refund as it stands) and notes it on the return. */
    async voidReturnLabel({ rmaId }: { rmaId: string }): Promise<void> {
      const row = await rmaRow(rmaId);
      if (!row.carrier_shipment_id) return;
      await shippingCarrier.voidLabel(row.carrier_shipment_id);
      await db.updateTable('returns').set({ label_voided_at: new Date() }).where('id', '=', rmaId).where('label_voided_at', 'is', null).execute();
    },

    /**
     * Restockable units back on the shelf ('return' movements referencing the RMA), damaged ones
     * written off, the inspection on the return, and back-in-stock emails for a SKU they bring
     * back: once, however often it runs.
     */
    async receiveReturnedUnits({ rmaId, receivedBy, lines }: { rmaId: string; receivedBy: string; lines: LineInspection[] }): Promise<{ productIds: string[] }> {
      const row = await rmaRow(rmaId);
      if (!row.warehouse_id) throw ApplicationFailure.nonRetryable(`return ${rmaId} has no warehouse to go back to`, 'NoReturnRoute');
      const checked = checkInspection(
        row.lines.map((line) => ({ orderItemId: line.order_item_id, sku: line.sku, quantity: line.quantity, unitPriceAmount: line.unit_price_amount })),
        lines,
      );
      if (!checked.ok) throw ApplicationFailure.create({ type: checked.refusal.code, message: checked.refusal.message, nonRetryable: true });
      const units = new Map(lines.map((line) => [line.orderItemId, line.units]));
      const result = await receiveReturn(db, {
        rmaId,
        warehouseId: row.warehouse_id,
        receivedBy,
        lines: checked.lines.map((line) => ({ ...line, units: units.get(line.orderItemId) ?? ([] as InspectionOutcome[]) })),
      });
      if (result.kind !== 'received') throw ApplicationFailure.nonRetryable(`return ${rmaId} is ${result.status}: not awaiting receipt`, 'return-not-awaiting-receipt');
      // Units back on the shelf are a restock like any other: a SKU they bring back tells its subscribers (once).
      const restocked = checked.lines.filter((line) => line.restockable > 0).map((line) => line.sku);
      const warehouse = await findWarehouse(db, row.warehouse_id);
      await queueBackInStockEmails(db, { receiptId: returnWorkflowId(rmaId), warehouseCode: warehouse?.code ?? '', skus: restocked });
      return { productIds: result.productIds };
    },

    /**
     * Kept for return runs started before refunds went through the order (their histories call it):
     * records the accepted units' price on the return as refund_pending.
     */
    async requestReturnRefund({ rmaId }: { rmaId: string }): Promise<{ amount: number }> {
      const row = await rmaRow(rmaId);
      const amount = refundAmountFor(
        row.reason_code,
        row.lines.map((line) => ({
          orderItemId: line.order_item_id,
          sku: line.sku,
          quantity: line.quantity,
          unitPriceAmount: line.unit_price_amount,
          restockable: line.restockable_quantity ?? 0,
          damaged: line.damaged_quantity ?? 0,
        })),
      );
      return recordReturnRefundPending(db, rmaId, amount);
    },

    /** The refund of the accepted units, asked of the order and its answer recorded on the return: once. */
    async requestOrderRefund({ rmaId }: { rmaId: string }): Promise<ReturnRefund> {
      return askOrderToRefund(db, await rmaRow(rmaId));
    },
  };
}

export type ReturnActivities = ReturnType<typeof createReturnActivities>;
