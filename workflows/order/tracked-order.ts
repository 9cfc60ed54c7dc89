import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StatusChange } from '../../activities/orders/order-activities';
import { initialOrderState, transition, type OrderEventType, type OrderState, type OrderStatus } from '../../domain/order-state';
import { OrderStatus as OrderStatusAttribute, ParcelAlerts, type SearchAttributeUpdates } from '../shared/search-attributes';
import type { CheckoutResult, ContinuedOrder, OrderInput, OrderView, PaymentEvent } from './order.messages';
import { steps } from './order-steps';
import type { ParcelDeadlines } from './ship-order';
import type { ShippingSpeed } from '../../domain/checkout';

/**
 * The order as this run knows it: its state, what the status query shows, and the first
 * answer. `move` is the only way its status changes, so the state, the search attributes ops
 * query and the database row always move together.
 */
export class TrackedOrder {
  readonly id: string;
  readonly cartId: string;
  readonly shippingSpeed: ShippingSpeed;
  readonly parcelDeadlines: ParcelDeadlines;
  state: OrderState;
  readonly view: ContinuedOrder['view'];
  /** Checkout's answer; every duplicate submit gets the same one. */
  result?: CheckoutResult;
  /** Deduplicated by provider event id and kept in provider time: providers redeliver and reorder. */
  readonly paymentEvents: PaymentEvent[];
  /** What checkout learns for ops (total, risk) goes out with the next status: one upsert per move. */
  private learnt: SearchAttributeUpdates = [];
  /** As ops see them now (carried over by a run that continued as new). */
  private parcelAlerts: string[] = workflowInfo().typedSearchAttributes.get(ParcelAlerts) ?? [];

  constructor({ orderId, customerSubject, request, parcelDeadlines = {}, continued }: OrderInput) {
    this.id = orderId;
    this.cartId = request.cartId;
    this.shippingSpeed = request.shippingSpeed;
    this.parcelDeadlines = parcelDeadlines;
    this.state = continued?.order ?? initialOrderState;
    this.result = continued?.result;
    this.paymentEvents = continued?.paymentEvents ?? [];
    this.view = continued?.view ?? {
      orderId,
      customerSubject,
      email: request.email,
      lines: [],
      reservations: [],
      shippingAddress: request.shippingAddress,
      timeline: [],
    };
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  snapshot(): OrderView {
    const { status, fulfillmentHeld, labelPurchased } = this.state;
    return { ...this.view, status, fulfillmentHeld, labelPurchased };
  }

  note(event: string, detail?: string, actor?: string): void {
    this.view.timeline.push({ at: new Date().toISOString(), event, ...(detail && { detail }), ...(actor && { actor }) });
  }

  learn(attributes: SearchAttributeUpdates): void {
    this.learnt = attributes;
  }

  /** The state, its search attributes and its row move together; the row change queues the email it sends. */
  async move(event: OrderEventType, change: Omit<StatusChange, 'status'> = {}): Promise<void> {
    const next = transition(this.state, { type: event });
    // Requests are judged before they get here, so a refusal now is a bug: fail the task and wait for a fix.
    if (!next.ok) throw new Error(`illegal order transition: ${next.refusal.message}`);
    const previous = this.state;
    this.state = next.state;
    upsertSearchAttributes([...this.learnt, { key: OrderStatusAttribute, value: this.status.toUpperCase() }]);
    this.learnt = [];
    try {
      await steps.setOrderStatus({ orderId: this.id, status: this.status, ...change });
    } catch (error) {
      // The row did not move, so neither did the order: what compensates must see it as it is.
      this.state = previous;
      upsertSearchAttributes([{ key: OrderStatusAttribute, value: previous.status.toUpperCase() }]);
      throw error;
    }
    if (change.reason !== undefined && change.reason !== null) this.view.statusReason = change.reason;
  }

  /** What ops find the order by when its parcels need support; written only when it changes (each write is an event). */
  flagParcelAlerts(alerts: string[]): void {
    if (alerts.join() === this.parcelAlerts.join()) return;
    this.parcelAlerts = alerts;
    upsertSearchAttributes([{ key: ParcelAlerts, value: alerts.length > 0 ? alerts : null }]);
  }

  receivePaymentEvent(event: PaymentEvent): void {
    if (this.paymentEvents.some((known) => known.eventId === event.eventId)) return;
    this.paymentEvents.push(event);
    this.paymentEvents.sort((a, b) => a.createdAt - b.createdAt);
    this.note(`payment event ${event.type}`, event.eventId);
  }

  /** What the next run of this order starts from when it continues as new. */
  carryOver(): ContinuedOrder {
    return { result: this.result!, order: this.state, view: this.view, paymentEvents: this.paymentEvents };
  }
}
