import { workflowInfo } from '@temporalio/workflow';
import type { CustomerRecord } from '../../activities/orders/order-activities';
import { authorizationExpiry } from '../../domain/authorization-expiry';
import { asBusinessFailure, businessFailure } from '../../domain/business-failure';
import { checkoutRejection, type CheckoutLine } from '../../domain/checkout';
import type { Money } from '../../domain/money';
import { computeTotals } from '../../domain/order-totals';
import { repriceLines } from '../../domain/pricing';
import { emailDomainOf, scoreRisk } from '../../domain/risk';
import { shipmentSize } from '../../domain/shipping-estimate';
import { OrderTotal, RiskLevel } from '../shared/search-attributes';
import type { Saga } from '../shared/saga';
import { confirmOrder } from './confirm-order';
import type { CheckoutResult, OrderInput } from './order.messages';
import { indexOrder, indexRejectedOrder } from './best-effort';
import { steps } from './order-steps';
import { toPostalAddress } from '../../domain/postal-address';
import type { TrackedOrder } from './tracked-order';

const DEFAULT_RESERVATION_TTL_MS = 48 * 60 * 60 * 1000;
type Rejection = Extract<CheckoutResult, { status: 'rejected' }>['reason'];

/**
 * Checkout: price the cart again, record the order, reserve its stock and authorize payment,
 * then answer confirmed, held for risk review, or rejected with the reason. A rejection undoes
 * every step taken; a step failing past its retries is left to the caller (processOrder).
 */
export async function placeOrder(order: TrackedOrder, saga: Saga, input: OrderInput): Promise<void> {
  order.note('checkout started');
  try {
    const lines = await steps.snapshotCart({ cartId: input.request.cartId, customerId: input.customerSubject });
    order.view.lines = lines;
    // Three reads that need only the cart, side by side: one wait instead of three.
    const [prices, quote, customer] = await Promise.all([
      steps.currentPrices(lines.map((l) => l.sku)),
      steps.quoteShipping({ destination: input.request.shippingAddress, speed: input.request.shippingSpeed, currency: lines[0]!.unitPrice.currency, size: shipmentSize(lines) }),
      steps.identifyCustomer({ subject: input.customerSubject, email: input.request.email }),
    ]);
    const repriced = repriceLines(lines, prices);
    if (repriced.kind === 'unavailable') {
      const shortLines = repriced.unavailable.map(({ sku, requested, available }) => ({ sku, requested, available }));
      return await rejectOrder(order, saga, checkoutRejection('OutOfStock', 'some items are no longer sold', { lines: shortLines }));
    }
    if (repriced.kind === 'price-changed') {
      const totals = totalsFor(input, repriced.lines, quote);
      return await rejectOrder(order, saga, checkoutRejection('PriceChanged', 'prices changed since the items were added', { lines: repriced.changes, totals }));
    }
    await reserveAndAuthorize(order, saga, input, quote, customer);
  } catch (error) {
    const business = asBusinessFailure(error);
    if (!business) throw error;
    await rejectOrder(order, saga, { type: business.type, message: business.message, details: business.details } as Rejection);
  }
}

async function reserveAndAuthorize(order: TrackedOrder, saga: Saga, input: OrderInput, quote: Money, customer: CustomerRecord): Promise<void> {
  const { request } = input;
  const lines = order.view.lines;
  const totals = totalsFor(input, lines, quote);
  const risk = scoreRisk({
    total: totals.total,
    customerOrdersLast24h: customer.ordersLast24h,
    customerOrdersEver: customer.ordersEver,
    billingCountry: request.billingAddress.country,
    shippingCountry: request.shippingAddress.country,
    emailDomain: emailDomainOf(request.email),
  });
  order.view.totals = totals;
  order.view.risk = risk;
  // CustomerId and OrderId were set when the API started the run.
  order.learn([
    { key: OrderTotal, value: totals.total.amount },
    { key: RiskLevel, value: risk.level.toUpperCase() },
  ]);

  await steps.createOrder({
    orderId: order.id,
    customerId: customer.id,
    email: request.email,
    ...(request.locale && { locale: request.locale }),
    idempotencyKey: `${input.customerSubject}/${input.idempotencyKey}`,
    currency: totals.currency,
    subtotal: totals.subtotal.amount,
    tax: totals.tax.amount,
    shipping: totals.shipping.amount,
    total: totals.total.amount,
    shippingAddress: toPostalAddress(request.shippingAddress),
    billingAddress: toPostalAddress(request.billingAddress),
    risk: { score: risk.score, level: risk.level, reasons: risk.reasons.map((r) => r.code) },
    lines: totals.lines.map((l, i) => ({ sku: l.sku, productName: lines[i]!.productName, quantity: l.quantity, unitPrice: l.unitPrice.amount, total: l.lineTotal.amount })),
  });
  order.note('order created', `${totals.total.amount} ${totals.currency}, risk ${risk.level} (${risk.score})`);

  const reserved = await saga.step(
    'release stock',
    () => steps.reserveStock({
      orderId: order.id,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
      expiresAt: new Date(Date.now() + (input.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS)).toISOString(),
    }),
    () => steps.releaseStock(order.id),
  );
  order.view.reservations = reserved.parcels;
  order.note('stock reserved', reserved.parcels.map((p) => `${p.warehouseCode}: ${p.lines.map((l) => `${l.quantity} x ${l.sku}`).join(', ')}`).join('; '));

  if (risk.level === 'high') {
    return rejectOrder(order, saga, checkoutRejection('RiskRejected', 'the order could not be accepted', { reasons: risk.reasons.map((r) => r.code) }));
  }

  // Authorize last: every cheaper step that could still refuse the order has run.
  const key = (step: string) => `${workflowInfo().workflowId}/${step}`;
  const payment = await saga.step(
    'cancel payment',
    () => steps.authorizePayment({ orderId: order.id, amount: totals.total, paymentMethod: request.paymentMethod, idempotencyKey: key('authorize') }),
    () => steps.cancelPayment({ orderId: order.id, idempotencyKey: key('cancel-payment') }),
  );
  order.view.payment = {
    provider: request.paymentMethod.provider,
    status: 'authorized',
    externalId: payment.externalId,
    authorized: totals.total,
    paymentId: payment.paymentId,
    multicapture: payment.multicapture,
    authorizationExpiresAt: authorizationExpiry(new Date(), payment.authorizationExpiresAt ? new Date(payment.authorizationExpiresAt) : null).toISOString(),
  };
  order.note('payment authorized', payment.externalId);
  // Webhooks that beat us here were stored, not lost: take them in now.
  if (request.paymentMethod.provider === 'stripe') (await steps.storedPaymentEvents(payment.externalId)).forEach((event) => order.receivePaymentEvent(event));

  if (risk.level === 'medium') {
    await order.move('holdForReview', {
      reason: `risk review: ${risk.reasons.map((r) => r.code).join(', ')}`,
      notification: { template: 'order-on-hold', payload: { total: totals.total } },
    });
    order.result = { status: 'on_hold', orderId: order.id, totals, risk };
    order.note('held for risk review');
    await indexOrder(order);
  } else {
    await confirmOrder(order, saga, 'confirm');
  }
}

/** Undoes what was taken and answers with the reason. Before the order row exists this moves nothing and mails nobody. */
async function rejectOrder(order: TrackedOrder, saga: Saga, reason: Rejection): Promise<void> {
  await saga.compensate((step) => order.note(`compensated: ${step}`));
  const recorded = order.status === 'pending';
  if (recorded) await order.move('reject', { reason: reason.message, notification: { template: 'order-rejected', payload: { reason: reason.type } } });
  order.result = { status: 'rejected', orderId: order.id, reason } as CheckoutResult;
  order.note('rejected', `${reason.type}: ${reason.message}`);
  if (recorded) await indexRejectedOrder(order);
}


/** Totals, or a typed rejection when we cannot ship there in this currency (never a crash in workflow code). */
function totalsFor({ request }: OrderInput, priced: CheckoutLine[], shippingQuote?: Money) {
  try {
    return computeTotals(priced, request.shippingAddress, request.shippingSpeed, shippingQuote);
  } catch (error) {
    throw businessFailure('AddressUndeliverable', 'we cannot ship this order to this address', { carrierMessage: (error as Error).message });
  }
}
