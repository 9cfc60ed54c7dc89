import { type RetryPolicy, condition, log, ParentClosePolicy, proxyActivities, proxyLocalActivities, setHandler, startChild, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { StatusNotification } from '../../db/orders';
import type { CheckoutLine } from '../../domain/checkout';
import { transition, initialOrderState, type OrderEventType, type OrderState } from '../../domain/order-state';
import { computeTotals } from '../../domain/order-totals';
import { repriceLines } from '../../domain/pricing';
import { shipmentSize } from '../../domain/shipping-estimate';
import { emailDomainOf, scoreRisk } from '../../domain/risk';
import { orderStatusQuery, submitCheckoutUpdate, type OrderInput, type CheckoutResult, type OrderView } from '../../workflows/order/order.messages';
import { OrderStatus as OrderStatusAttribute, OrderTotal, RiskLevel, type SearchAttributeUpdates } from '../../workflows/shared/search-attributes';
import { parcelWorkflowOptions } from '../../workflows/shipment/parcel-workflow-options';
import type { ShipParcelInput } from '../../workflows/shipment/ship-parcel.messages';
import type { SkeletonActivities } from './checkout-skeleton-activities';
import { skeletonParcel } from './skeleton-parcel-workflow';

export { skeletonParcel };
import { skeletonTaskQueues } from './checkout-skeleton.messages';

// Same options as workflows/checkout.ts, so the server schedules and times out the same way.
const retry: RetryPolicy = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 8 };
const steps = proxyLocalActivities<SkeletonActivities>({ startToCloseTimeout: '15 seconds', retry });
const activities = proxyActivities<SkeletonActivities>({ taskQueue: skeletonTaskQueues.orders, startToCloseTimeout: '15 seconds', retry });
const search = proxyActivities<Pick<SkeletonActivities, 'indexOrder'>>({
  taskQueue: skeletonTaskQueues.search,
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 4 },
});

/**
 * The happy path of `checkout` (a low-risk order paid manually) step for step: the same update
 * handler, search attribute upserts, local activities in the same order (three of them side by
 * side), answering the update on confirmation, the same follow-up
 * activities and parcel children side by side on the same queues, and then staying open like
 * an order awaiting fulfillment. The bench compares both histories' steps and warns on drift.
 */
export async function checkoutSkeleton(input: OrderInput): Promise<CheckoutResult> {
  const { orderId, request } = input;
  let order: OrderState = initialOrderState;
  let result: CheckoutResult | undefined = undefined;
  let lines: CheckoutLine[] = [];
  const view: Omit<OrderView, 'status' | 'fulfillmentHeld' | 'labelPurchased'> = {
    orderId,
    customerSubject: input.customerSubject,
    email: request.email,
    lines,
    reservations: [],
    shippingAddress: request.shippingAddress,
    timeline: [],
  };
  const compensations: { name: string; run: () => Promise<unknown> }[] = [];
  const note = (event: string, detail?: string) => {
    view.timeline.push({ at: new Date().toISOString(), event, ...(detail && { detail }) });
  };
  let learnt: SearchAttributeUpdates = [];
  const move = async (event: OrderEventType, notification: StatusNotification) => {
    const next = transition(order, { type: event });
    if (!next.ok) throw new Error(next.refusal.message);
    order = next.state;
    upsertSearchAttributes([...learnt, { key: OrderStatusAttribute, value: order.status.toUpperCase() }]);
    learnt = [];
    await steps.setOrderStatus({ orderId, status: order.status, notification });
  };
  const bestEffort = async (step: string, run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      log.warn(`could not ${step}`, { orderId, error: String(error) });
    }
  };

  setHandler(orderStatusQuery, () => ({ ...view, status: order.status, fulfillmentHeld: order.fulfillmentHeld, labelPurchased: order.labelPurchased }));
  setHandler(submitCheckoutUpdate, async () => {
    await condition(() => result !== undefined);
    return result!;
  }, {
    validator: (requestHash) => {
      if (requestHash !== input.requestHash) throw new Error('this Idempotency-Key was used for a different request');
    },
  });

  note('checkout started');
  lines = await steps.snapshotCart({ cartId: request.cartId, customerId: input.customerSubject });
  view.lines = lines;
  const [prices, quote, customer] = await Promise.all([
    steps.currentPrices(lines.map((l) => l.sku)),
    steps.quoteShipping({ destination: request.shippingAddress, speed: request.shippingSpeed, currency: lines[0]!.unitPrice.currency, size: shipmentSize(lines) }),
    steps.identifyCustomer({ subject: input.customerSubject, email: request.email }),
  ]);
  const repriced = repriceLines(lines, prices);
  if (repriced.kind !== 'unchanged') throw new Error(`canned prices changed: ${repriced.kind}`);
  const totals = computeTotals(lines, request.shippingAddress, request.shippingSpeed, quote);
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
  learnt = [
    { key: OrderTotal, value: totals.total.amount },
    { key: RiskLevel, value: risk.level.toUpperCase() },
  ];
  await steps.createOrder({
    orderId,
    customerId: customer.id,
    email: request.email,
    idempotencyKey: `${input.customerSubject}/${input.idempotencyKey}`,
    currency: totals.currency,
    subtotal: totals.subtotal.amount,
    tax: totals.tax.amount,
    shipping: totals.shipping.amount,
    total: totals.total.amount,
    shippingAddress: { name: request.shippingAddress.name, line1: request.shippingAddress.line1, city: request.shippingAddress.city, postal_code: request.shippingAddress.postalCode, country: request.shippingAddress.country },
    billingAddress: { name: request.billingAddress.name, line1: request.billingAddress.line1, city: request.billingAddress.city, postal_code: request.billingAddress.postalCode, country: request.billingAddress.country },
    risk: { score: risk.score, level: risk.level, reasons: risk.reasons.map((r) => r.code) },
    lines: totals.lines.map((l, i) => ({ sku: l.sku, productName: lines[i]!.productName, quantity: l.quantity, unitPrice: l.unitPrice.amount, total: l.lineTotal.amount })),
  });
  note('order created');
  compensations.push({ name: 'release stock', run: async () => undefined });
  const reserved = await steps.reserveStock({
    orderId,
    lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    expiresAt: new Date(Date.now() + 48 * 60 * 60 * 1000).toISOString(),
  });
  view.reservations = reserved.parcels;
  note('stock reserved');
  compensations.push({ name: 'cancel payment', run: async () => undefined });
  const payment = await steps.authorizePayment({
    orderId,
    amount: totals.total,
    paymentMethod: request.paymentMethod,
    idempotencyKey: `${workflowInfo().workflowId}/authorize`,
  });
  view.payment = { provider: request.paymentMethod.provider, status: 'authorized', externalId: payment.externalId, authorized: totals.total };
  note('payment authorized', payment.externalId);
  if (request.paymentMethod.provider === 'stripe') await steps.storedPaymentEvents(payment.externalId);

  await move('confirm', { template: 'order-confirmed', payload: { total: totals.total } });
  compensations.length = 0;
  result = { status: 'confirmed', orderId, totals };
  note('confirmed');
  await Promise.all([
    ...view.reservations.map((reserved, i) => {
      const parcel: ShipParcelInput = { shipmentId: `${orderId}-${i}`, orderId, warehouseId: reserved.warehouseId, warehouseCode: reserved.warehouseCode, lines: reserved.lines, shipTo: request.shippingAddress, speed: request.shippingSpeed, quoted: null };
      return startChild(skeletonParcel, { ...parcelWorkflowOptions(parcel), taskQueue: skeletonTaskQueues.orders, parentClosePolicy: ParentClosePolicy.ABANDON, args: [parcel] });
    }),
    bestEffort('clear the cart', () => activities.clearOrderedLines({ cartId: request.cartId, skus: lines.map((l) => l.sku) })),
    bestEffort('index the order for support search', () => search.indexOrder(orderId)),
  ]);

  // The real order stays open awaiting fulfillment or a cancellation; so does this one.
  await condition(() => false);
  return result;
}
