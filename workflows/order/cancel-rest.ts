import { ApplicationFailure, getExternalWorkflowHandle, uuid4, workflowInfo } from '@temporalio/workflow';
import { parcelShares } from '../../domain/capture-plan';
import { isFinal } from '../../domain/order-state';
import { subtract } from '../../domain/money';
import { shipmentWorkflowId } from '../shipment/ship-parcel.messages';
import { capturesInFlight, owedByThisOrder } from './captures';
import { notYetHandedOver } from './instruct-parcels';
import type { CancelRestRequest, ShipmentSummary } from './order.messages';
import { steps } from './order-steps';
import { refundableNow, startRefund } from './refunds';
import type { TrackedOrder } from './tracked-order';
import { refundWorkflowId } from '../refund/refund-payment.messages';

const refuse = (type: string, message: string) => ApplicationFailure.create({ type, message, nonRetryable: true });

/** The parcels a cancel-the-rest stops, or the typed refusal (for the validator and again in its turn). */
export function parcelsToCancel(order: TrackedOrder, request: Pick<CancelRestRequest, 'actor' | 'reason' | 'shipmentIds'>): ShipmentSummary[] {
  if (request.actor.role === 'customer') throw refuse('customer-not-allowed', 'support cancels the rest of an order');
  if (!request.reason.trim()) throw refuse('reason-required', 'say why the rest is cancelled');
  const { status } = order.state;
  if (status === 'pending') throw refuse('checkout-in-progress', 'checkout is still deciding on this order');
  if (isFinal(status)) throw refuse('order-final', `the order is ${status}`);
  const shipments = order.view.shipments ?? [];
  if (request.shipmentIds?.length) {
    return request.shipmentIds.map((id) => {
      const shipment = shipments.find((s) => s.shipmentId === id);
      if (!shipment) throw refuse('nothing-left-to-cancel', `the order has no parcel ${id}`);
      if (shipment.stage === 'cancelled') throw refuse('nothing-left-to-cancel', `parcel ${id} is cancelled already`);
      if (!notYetHandedOver(shipment)) throw refuse('parcel-already-handed-over', `parcel ${id} is ${shipment.stage}: the carrier has it; return it instead`);
      return shipment;
    });
  }
  const rest = shipments.filter(notYetHandedOver);
  if (rest.length === 0) throw refuse('nothing-left-to-cancel', 'every parcel is with the carrier, delivered or cancelled');
  return rest;
}

/**
 * Cancels the parcels not yet handed over: each run voids its label and cancels its row (see
 * workflows/shipment/cancel-parcel.ts), their stock goes back, and the order is shipped once
 * what is left has gone. Money: the order no longer owes the cancelled parcels' shares, so a
 * capture never takes them (what is authorized and not captured is released: no later capture
 * asks for it); what was captured beyond what is owed (a single capture took the whole order at
 * the first handover) is refunded through refund-<id>, under the refund rules.
 */
export async function cancelRest(order: TrackedOrder, request: CancelRestRequest, onDelivered: () => void): Promise<void> {
  const cancelled = parcelsToCancel(order, request);
  for (const shipment of cancelled) {
    await getExternalWorkflowHandle(shipmentWorkflowId(shipment.shipmentId)).cancel();
    shipment.stage = 'cancelled';
  }
  await steps.releaseStock(order.id);
  order.note('rest cancelled', cancelled.map((s) => s.shipmentId).join(', '), request.actor.id);
  const shipments = order.view.shipments ?? [];
  const gone = shipments.filter((s) => s.stage !== 'cancelled');
  if (gone.length > 0 && gone.every((s) => !notYetHandedOver(s)) && order.status === 'partially_shipped') {
    await order.move('shipped', { reason: `the rest was cancelled: ${request.reason}` });
    if (gone.every((s) => s.stage === 'delivered')) {
      await order.move('delivered', { notification: { template: 'order-delivered', payload: {} } });
      order.view.deliveredAt = new Date().toISOString();
      onDelivered();
    }
  }
  await releaseRest(order);
  await refundOverCapture(order, request, cancelled);
}

/**
 * Once every parcel left has been handed over and its capture taken, nothing more will be
 * captured: the rest of a partly captured authorization is released at the provider.
 */
async function releaseRest(order: TrackedOrder): Promise<void> {
  const payment = order.view.payment;
  if (!payment?.paymentId || payment.status !== 'partially_captured') return;
  if ((order.view.shipments ?? []).some(notYetHandedOver) || capturesInFlight(order) > 0) {
    return order.note('rest of the authorization kept', 'a parcel or a capture is still under way; it lapses with the hold');
  }
  const { released } = await steps.releaseRestOfAuthorization({ orderId: order.id, paymentId: payment.paymentId, idempotencyKey: `${workflowInfo().workflowId}/release-rest` });
  order.view.payment = { ...payment, status: 'captured' };
  order.note('rest of the authorization released', `${released} ${payment.authorized.currency}`);
}

/** What was captured beyond what the order now owes goes back, once, as a refund of the cancelled parcels' shares. */
async function refundOverCapture(order: TrackedOrder, request: CancelRestRequest, cancelled: ShipmentSummary[]): Promise<void> {
  const captured = order.view.payment?.captured;
  if (!captured || !order.view.totals) return;
  const over = subtract(captured, owedByThisOrder(order));
  const refundable = refundableNow(order);
  const amount = over.amount > refundable.amount ? refundable : over;
  if (amount.amount <= 0) return order.note('rest cancelled: nothing captured for it, nothing to refund; the rest of the authorization is never captured');
  const shares = parcelShares(
    order.view.totals,
    (order.view.shipments ?? []).map((s) => ({ parcelId: s.shipmentId, lines: s.lines })),
  ).filter((share) => cancelled.some((c) => c.shipmentId === share.parcelId));
  const refundId = uuid4();
  const summary = {
    refundId,
    workflowId: refundWorkflowId(refundId),
    amount,
    shipping: shares.reduce((sum, s) => ({ ...sum, amount: sum.amount + s.shipping.amount }), { amount: 0, currency: amount.currency }),
    lines: cancelled.flatMap((s) => s.lines),
    reason: 'other' as const,
    requestedBy: request.actor.id,
    stage: 'requested' as const,
  };
  if (summary.shipping.amount > amount.amount) summary.shipping = { ...amount };
  (order.view.refunds ??= []).push(summary);
  await startRefund(order, summary, { actor: request.actor, reason: `cancel the rest: ${request.reason}`, refundReason: 'other', approval: request.approval });
}
