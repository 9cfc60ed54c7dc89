import {
  CancellationScope,
  type RetryPolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CartActivities } from '../../activities/carts/cart-activities';
import type { CatalogActivities } from '../../activities/catalog/catalog-activities';
import type { InventoryActivities } from '../../activities/inventory/inventory-activities';
import type { CustomerProfile, OrderActivities, StatusNotification } from '../../activities/orders/order-activities';
import type { PaymentActivities } from '../../activities/payments/payment-activities';
import type { SearchActivities } from '../../activities/search/search-activities';
import type { ShippingActivities } from '../../activities/shipping/shipping-activities';
import { asBusinessFailure, businessFailure } from '../../domain/business-failure';
import { checkoutRejection, type CheckoutLine } from '../../domain/checkout';
import { emailDomainOf, scoreRisk } from '../../domain/risk';
import type { Money } from '../../domain/money';
import { computeTotals } from '../../domain/order-totals';
import { canUpdateShippingAddress, initialOrderState, transition, type OrderEventType, type OrderState } from '../../domain/order-state';
import { repriceLines } from '../../domain/pricing';
import { shipmentSize } from '../../domain/shipping-estimate';
import {
  approveRiskUpdate,
  cancelOrderUpdate,
  holdOrderUpdate,
  orderStatusQuery,
  paymentEventSignal,
  rejectRiskUpdate,
  releaseOrderUpdate,
  submitCheckoutUpdate,
  updateShippingAddressUpdate,
  type CheckoutInput,
  type CheckoutResult,
  type OrderView,
  type PaymentEvent,
  type SupportRequest,
} from './order.messages';
import { OrderStatus as OrderStatusAttribute, OrderTotal, RiskLevel, type SearchAttributeUpdates } from '../shared/search-attributes';
import { taskQueues } from '../shared/task-queues';

// Bounded, explicit retries: past them the saga compensates and ends, it never hangs.
const retry: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 };
type OrderSteps = CartActivities & CatalogActivities & InventoryActivities & OrderActivities & PaymentActivities & ShippingActivities;
// Steps a caller waits on (the checkout answer, a support update's answer): short database, cache
// and provider calls, run as local activities in this workflow's worker so each costs no task
// queue round trip. They retry like any activity and run again if the worker dies mid-task.
const steps = proxyLocalActivities<OrderSteps>({ startToCloseTimeout: '15 seconds', retry });
// Work nobody waits on goes through the orders queue, where it can be scaled and rate limited.
const followUps = proxyActivities<CartActivities>({ taskQueue: taskQueues.orders, startToCloseTimeout: '15 seconds', retry });
// Search is a read model: it may lag, and it must never hold up or fail an order.
const search = proxyActivities<SearchActivities>({
  taskQueue: taskQueues.search,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
});

const DEFAULT_REVIEW_TIMEOUT = '24 hours';
// Well under Temporal's 10,000-event warning; a waiting order rarely gets near it.
const DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS = 2_000;
const DEFAULT_RESERVATION_TTL_MS = 48 * 60 * 60 * 1000;

/**
 * order-<orderId>: checkout and then the order's life. Answers the submit update as soon as the
 * order is confirmed, held for review or rejected; then waits for support or fulfillment.
 * Every step registers its compensation before it runs, since a step can time out after it
 * took effect; compensations run in a non-cancellable scope and are safe to repeat.
 */
export async function checkout(input: CheckoutInput): Promise<CheckoutResult> {
  const { orderId, request, continued } = input;
  let order: OrderState = continued?.order ?? initialOrderState;
  let result: CheckoutResult | undefined = continued?.result;
  let lines: CheckoutLine[] = continued?.view.lines ?? [];
  const view: Omit<OrderView, 'status' | 'fulfillmentHeld' | 'labelPurchased'> = continued?.view ?? {
    orderId,
    customerSubject: input.customerSubject,
    email: request.email,
    lines,
    reservations: [],
    shippingAddress: request.shippingAddress,
    timeline: [],
  };
  const compensations: { name: string; run: () => Promise<unknown> }[] = [];
  const pendingSupport: { event: OrderEventType; request: SupportRequest }[] = [];

  const note = (event: string, detail?: string, actor?: string) => {
    view.timeline.push({ at: new Date().toISOString(), event, ...(detail && { detail }), ...(actor && { actor }) });
  };
  const snapshot = (): OrderView => ({ ...view, status: order.status, fulfillmentHeld: order.fulfillmentHeld, labelPurchased: order.labelPurchased });
  // What checkout learns for ops (total, risk) goes out with the next status: one upsert per move.
  let learnt: SearchAttributeUpdates = [];
  /** The order's state, its search attributes and its row move together; the row change queues the email it sends. */
  const move = async (event: OrderEventType, reason?: string, notification?: StatusNotification) => {
    const next = transition(order, { type: event });
    // A refused transition here is a bug, not an outcome: fail the workflow task so the run waits for a fix.
    if (!next.ok) throw new Error(`illegal order transition: ${next.refusal.message}`);
    order = next.state;
    upsertSearchAttributes([...learnt, { key: OrderStatusAttribute, value: order.status.toUpperCase() }]);
    learnt = [];
    if (reason !== undefined) view.statusReason = reason;
    await steps.setOrderStatus({ orderId, status: order.status, ...(reason !== undefined && { reason }), ...(notification && { notification }) });
  };
  const compensate = async () => {
    await CancellationScope.nonCancellable(async () => {
      for (const step of compensations.reverse()) {
        await step.run();
        note(`compensated: ${step.name}`);
      }
      compensations.length = 0;
    });
  };

  setHandler(orderStatusQuery, snapshot);
  setHandler(submitCheckoutUpdate, async () => {
    await condition(() => result !== undefined);
    return result!;
  }, {
    validator: (requestHash) => {
      if (requestHash !== input.requestHash) throw new Error('this Idempotency-Key was used for a different request');
    },
  });
  // Providers redeliver and reorder events: each counts once, and they are kept in provider time.
  const paymentEvents: PaymentEvent[] = continued?.paymentEvents ?? [];
  const receivePaymentEvent = (event: PaymentEvent) => {
    if (paymentEvents.some((known) => known.eventId === event.eventId)) return;
    paymentEvents.push(event);
    paymentEvents.sort((a, b) => a.createdAt - b.createdAt);
    note(`payment event ${event.type}`, event.eventId);
  };
  setHandler(paymentEventSignal, receivePaymentEvent);

  const support = (event: OrderEventType) => ({
    validator: ({ actor, reason }: SupportRequest) => {
      if (!reason?.trim()) throw new Error('a reason is required');
      const refusal = transition(order, { type: event });
      if (!refusal.ok) throw new Error(refusal.refusal.message);
      if (actor.role === 'customer' && event !== 'cancel') throw new Error('customers may only cancel');
    },
  });
  const recordSupport = (request: SupportRequest, action: string) =>
    steps.recordSupportAction({
      actionId: currentUpdateInfo()?.id ?? `${workflowInfo().workflowId}/${action}/${view.timeline.length}`,
      actorId: request.actor.id,
      actorRole: request.actor.role,
      action,
      orderId,
      reason: request.reason,
      outcome: 'accepted',
    });
  for (const [definition, event] of [
    [cancelOrderUpdate, 'cancel'],
    [approveRiskUpdate, 'approveRisk'],
    [rejectRiskUpdate, 'rejectRisk'],
  ] as const) {
    // The main flow carries these out (they compensate or confirm); the handler waits for it.
    setHandler(definition, async (request) => {
      await recordSupport(request, event);
      note(event, request.reason, request.actor.id);
      pendingSupport.push({ event, request });
      await condition(() => !pendingSupport.some((p) => p.request === request));
      return snapshot();
    }, support(event));
  }
  for (const [definition, event] of [
    [holdOrderUpdate, 'hold'],
    [releaseOrderUpdate, 'release'],
  ] as const) {
    setHandler(definition, async (request) => {
      await recordSupport(request, event);
      await move(event);
      note(event, request.reason, request.actor.id);
      return snapshot();
    }, support(event));
  }
  setHandler(updateShippingAddressUpdate, async (request) => {
    await recordSupport(request, 'updateShippingAddress');
    await steps.updateShippingAddress({ orderId, address: toPostal(request.address) });
    view.shippingAddress = request.address;
    note('shipping address changed', request.reason, request.actor.id);
    return snapshot();
  }, {
    validator: ({ reason, actor }) => {
      if (!reason?.trim()) throw new Error('a reason is required');
      if (actor.role === 'customer') throw new Error('customers ask support to change an address');
      const refusal = canUpdateShippingAddress(order);
      if (refusal) throw new Error(refusal.message);
    },
  });

  const reject = async (reason: Extract<CheckoutResult, { status: 'rejected' }>['reason']) => {
    await compensate();
    // Before the order row exists this moves nothing and mails nobody; the storefront has the answer.
    if (order.status === 'pending') await move('reject', reason.message, { template: 'order-rejected', payload: { reason: reason.type } });
    result = { status: 'rejected', orderId, reason } as CheckoutResult;
    note('rejected', `${reason.type}: ${reason.message}`);
  };

  try {
    if (continued) {
      note('continued as new');
      await awaitFulfillment();
    } else {
      await checkOut();
    }
  } catch (error) {
    const business = asBusinessFailure(error);
    // Only steps that failed for good end the saga (a local activity's failure arrives unwrapped,
    // not as an ActivityFailure); an error in this code is a bug to fix, not to compensate.
    if (!business && !(error instanceof TemporalFailure)) throw error;
    if (!business) {
      log.error('checkout failed; compensating', { orderId, error: String(error) });
      await compensate();
      await CancellationScope.nonCancellable(async () => {
        if (order.status === 'pending') await move('reject', 'checkout failed; nothing was charged');
      });
      result ??= { status: 'failed', orderId, reason: { type: 'CheckoutFailed', message: 'checkout could not complete; nothing was charged' } };
      note('failed', String(error));
    } else if (business.type === 'CartEmpty') {
      result = { status: 'rejected', orderId, reason: { type: 'CartEmpty', message: business.message, details: business.details as { cartId: string } } };
    } else {
      await reject({ type: business.type, message: business.message, details: business.details } as Extract<CheckoutResult, { status: 'rejected' }>['reason']);
    }
  }

  await condition(allHandlersFinished);
  return result!;

  async function checkOut(): Promise<void> {
    note('checkout started');
    lines = await steps.snapshotCart({ cartId: request.cartId, customerId: input.customerSubject });
    view.lines = lines;
    // Three reads that need only the cart, side by side: one wait instead of three.
    const [prices, quote, customer] = await Promise.all([
      steps.currentPrices(lines.map((l) => l.sku)),
      steps.quoteShipping({
        destination: request.shippingAddress,
        speed: request.shippingSpeed,
        currency: lines[0]!.unitPrice.currency,
        size: shipmentSize(lines),
      }),
      steps.identifyCustomer({ subject: input.customerSubject, email: request.email }),
    ]);
    const repriced = repriceLines(lines, prices);
    if (repriced.kind === 'unavailable') {
      const shortLines = repriced.unavailable.map(({ sku, requested, available }) => ({ sku, requested, available }));
      await reject(checkoutRejection('OutOfStock', 'some items are no longer sold', { lines: shortLines }));
    } else if (repriced.kind === 'price-changed') {
      const totals = totalsFor(repriced.lines, quote);
      await reject(checkoutRejection('PriceChanged', 'prices changed since the items were added', { lines: repriced.changes, totals }));
    } else {
      await placeOrder(quote, customer);
    }
  }

  async function placeOrder(quote: Money, customer: CustomerProfile): Promise<void> {
    const totals = totalsFor(lines, quote);
    view.totals = totals;
    const risk = scoreRisk({
      total: totals.total,
      customerOrdersLast24h: customer.ordersLast24h,
      customerOrdersEver: customer.ordersEver,
      billingCountry: request.billingAddress.country,
      shippingCountry: request.shippingAddress.country,
      emailDomain: emailDomainOf(request.email),
    });
    view.risk = risk;
    // CustomerId and OrderId were set when the API started the run.
    learnt = [
      { key: OrderTotal, value: totals.total.amount },
      { key: RiskLevel, value: risk.level.toUpperCase() },
    ];

    await steps.createOrder({
      orderId,
      customerId: customer.customerId,
      email: request.email,
      idempotencyKey: `${input.customerSubject}/${input.idempotencyKey}`,
      currency: totals.currency,
      subtotal: totals.subtotal.amount,
      tax: totals.tax.amount,
      shipping: totals.shipping.amount,
      total: totals.total.amount,
      shippingAddress: toPostal(request.shippingAddress),
      billingAddress: toPostal(request.billingAddress),
      risk: { score: risk.score, level: risk.level, reasons: risk.reasons.map((r) => r.code) },
      lines: totals.lines.map((l, i) => ({
        sku: l.sku,
        productName: lines[i]!.productName,
        quantity: l.quantity,
        unitPrice: l.unitPrice.amount,
        total: l.lineTotal.amount,
      })),
    });
    note('order created', `${totals.total.amount} ${totals.currency}, risk ${risk.level} (${risk.score})`);

    compensations.push({ name: 'release stock', run: () => steps.releaseStock(orderId) });
    const reserved = await steps.reserveStock({
      orderId,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
      expiresAt: new Date(Date.now() + (input.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS)).toISOString(),
    });
    view.reservations = reserved.parcels;
    note('stock reserved', reserved.parcels.map((p) => `${p.warehouseCode}: ${p.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ')}`).join('; '));

    if (risk.level === 'high') {
      await reject(checkoutRejection('RiskRejected', 'the order could not be accepted', { reasons: risk.reasons.map((r) => r.code) }));
      return;
    }

    // Authorize last: every cheaper step that could still refuse the order has run.
    compensations.push({
      name: 'cancel payment',
      run: () => steps.cancelPayment({ orderId, idempotencyKey: `${workflowInfo().workflowId}/cancel-payment` }),
    });
    const payment = await steps.authorizePayment({
      orderId,
      amount: totals.total,
      paymentMethod: request.paymentMethod,
      idempotencyKey: `${workflowInfo().workflowId}/authorize`,
    });
    view.payment = { provider: request.paymentMethod.provider, status: 'authorized', externalId: payment.externalId, authorized: totals.total };
    note('payment authorized', payment.externalId);
    // Webhooks that beat us here were stored, not lost: take them in now.
    if (request.paymentMethod.provider === 'stripe') (await steps.storedPaymentEvents(payment.externalId)).forEach(receivePaymentEvent);

    if (risk.level === 'medium') {
      await move('holdForReview', `risk review: ${risk.reasons.map((r) => r.code).join(', ')}`, { template: 'order-on-hold', payload: { total: totals.total } });
      result = { status: 'on_hold', orderId, totals, risk };
      note('held for risk review');
      await index();
      // The review has an owner (support) and a deadline: past it the order is cancelled.
      await condition(() => pendingSupport.length > 0, input.reviewTimeout ?? DEFAULT_REVIEW_TIMEOUT);
      const decision = pendingSupport[0];
      if (decision?.event !== 'approveRisk') {
        await cancel(decision?.event ?? 'reviewExpired', decision?.request.reason ?? 'the risk review deadline passed');
        pendingSupport.shift();
        return;
      }
      pendingSupport.shift();
      await confirm('approveRisk');
    } else {
      await confirm('confirm');
    }

    await awaitFulfillment();

    /** By checkout itself, or by support approving the risk review (the first answer was on_hold then). */
    async function confirm(event: 'confirm' | 'approveRisk'): Promise<void> {
      await move(event, undefined, { template: 'order-confirmed', payload: { total: totals.total } });
      compensations.length = 0;
      if (event === 'confirm') result = { status: 'confirmed', orderId, totals };
      note('confirmed');
      // The order stands from here: a cart or the search index lagging must not undo it. Nobody
      // waits on these, so they run side by side after the answer.
      await Promise.all([
        bestEffort('clear the cart', () => followUps.clearOrderedLines({ cartId: request.cartId, skus: lines.map((l) => l.sku) })),
        index(),
      ]);
    }
  }

  /** Totals, or a typed rejection when we cannot ship there in this currency (never a crash in workflow code). */
  function totalsFor(priced: CheckoutLine[], shippingQuote?: Money) {
    try {
      return computeTotals(priced, request.shippingAddress, request.shippingSpeed, shippingQuote);
    } catch (error) {
      throw businessFailure('AddressUndeliverable', 'we cannot ship this order to this address', { carrierMessage: (error as Error).message });
    }
  }

  /**
   * A confirmed order waits for fulfillment (the shipping issue builds on this) or a cancellation.
   * The wait can be long and support actions grow the history, so when Temporal suggests it (or
   * past a bound) the order continues as new, carrying its state, once no handler is mid-way.
   */
  async function awaitFulfillment(): Promise<void> {
    const historyFull = () =>
      workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > (input.continueAsNewAfterEvents ?? DEFAULT_CONTINUE_AS_NEW_AFTER_EVENTS);
    await condition(() => pendingSupport.length > 0 || historyFull());
    // A cancellation that arrives while handlers finish is served here, not carried over.
    if (pendingSupport.length === 0) await condition(() => pendingSupport.length > 0 || allHandlersFinished());
    if (pendingSupport.length === 0) {
      await continueAsNew<typeof checkout>({ ...input, continued: { result: result!, order, view, paymentEvents } });
    }
    const next = pendingSupport[0]!;
    await cancel('cancel', next.request.reason);
    pendingSupport.shift();
  }

  async function cancel(event: OrderEventType, reason: string): Promise<void> {
    await steps.releaseStock(orderId);
    if (view.payment?.status === 'authorized') {
      await steps.cancelPayment({ orderId, idempotencyKey: `${workflowInfo().workflowId}/cancel-payment` });
      view.payment = { ...view.payment, status: 'cancelled' };
    }
    await move(event, reason, { template: 'order-cancelled', payload: { reason } });
    note('cancelled', reason);
    await index();
  }

  async function index(): Promise<void> {
    await bestEffort('index the order for support search', () => search.indexOrder(orderId));
  }

  async function bestEffort(step: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      log.warn(`could not ${step}`, { orderId, error: String(error) });
      note(`could not ${step}`);
    }
  }
}

function toPostal(address: CheckoutInput['request']['shippingAddress']) {
  return {
    name: address.name,
    line1: address.line1,
    ...(address.line2 && { line2: address.line2 }),
    city: address.city,
    ...(address.region && { region: address.region }),
    postal_code: address.postalCode,
    country: address.country,
    ...(address.phone && { phone: address.phone }),
  };
}
