// Every action support can take on an order, one entry each. Each asks for a reason; `fields` adds
// what else it needs, and `body` turns the form's values into the request. A new action (a refund,
// a return decision) is one more entry here.

import { money, toMinorUnits, words } from './format.js';

const id = (orderId) => encodeURIComponent(orderId);

const reasonOnly = ({ reason }) => ({ reason });

const addressFields = [
  { name: 'name', label: 'Name', required: true, autocomplete: 'name' },
  { name: 'line1', label: 'Address line 1', required: true, autocomplete: 'address-line1' },
  { name: 'line2', label: 'Address line 2', autocomplete: 'address-line2' },
  { name: 'city', label: 'City', required: true, autocomplete: 'address-level2' },
  { name: 'region', label: 'Region or state', autocomplete: 'address-level1' },
  { name: 'postalCode', label: 'Postal code', required: true, autocomplete: 'postal-code' },
  { name: 'country', label: 'Country (two letters, e.g. US)', required: true, autocomplete: 'country', pattern: '[A-Za-z]{2}' },
  { name: 'phone', label: 'Phone', autocomplete: 'tel' },
];

/** The API's refund reason codes (domain/refund-plan.ts), in words. */
const refundReasonField = {
  name: 'refundReason',
  label: 'Refund reason',
  required: true,
  options: ['damaged', 'not-received', 'wrong-item', 'customer-request', 'goodwill', 'other'].map((value) => ({ value, label: words(value) })),
};
const currencyOf = (order) => order.totals?.total.currency ?? order.lines[0]?.unitPrice.currency ?? 'USD';
const lineField = (sku) => `units-${sku}`;
const refundDone = (refund) => `A refund of ${money(refund.amount)} was asked for.`;
const refundable = (order) => (order.payment?.captured?.amount ?? 0) > 0;

/** Blank optional fields are left out rather than sent empty. */
const present = (values) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));

export const orderActions = [
  {
    id: 'approve-risk',
    label: 'Approve risk',
    description: 'The order held for review is confirmed and goes on to fulfillment.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/approve-risk`,
    body: reasonOnly,
    relevant: (order) => order.status === 'on_hold',
  },
  {
    id: 'reject-risk',
    label: 'Reject risk',
    description: 'The order held for review is rejected: its stock is released and the payment voided.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/reject-risk`,
    body: reasonOnly,
    danger: true,
    relevant: (order) => order.status === 'on_hold',
  },
  {
    id: 'hold',
    label: 'Hold fulfillment',
    description: 'The warehouse stops packing and handing over until the hold is released.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/hold`,
    body: reasonOnly,
    relevant: (order) => !order.fulfillmentHeld,
  },
  {
    id: 'release',
    label: 'Release hold',
    description: 'The warehouse may pack and hand over again.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/release`,
    body: reasonOnly,
    relevant: (order) => order.fulfillmentHeld,
  },
  {
    id: 'cancel',
    label: 'Cancel order',
    description: 'Cancels the order and its parcels not yet handed over (refused once something shipped).',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/cancel`,
    body: reasonOnly,
    danger: true,
    relevant: (order) => ['pending', 'on_hold', 'confirmed'].includes(order.status),
  },
  {
    id: 'change-address',
    label: 'Change address',
    description: 'Parcels not yet handed over take the new address (a bought label is voided and bought again).',
    method: 'PUT',
    path: (orderId) => `/support/orders/${id(orderId)}/shipping-address`,
    fields: addressFields,
    initial: (order) => ({ ...Object.fromEntries(addressFields.map((f) => [f.name, ''])), ...order.shippingAddress }),
    body: ({ reason, ...address }) => ({ reason, address: { ...present(address), country: address.country.toUpperCase() } }),
    relevant: (order) => ['on_hold', 'confirmed'].includes(order.status),
  },
  {
    id: 'refund-amount',
    label: 'Refund an amount',
    description: 'Gives back part or all of what was captured. Above the approval threshold it waits for another admin.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/refunds`,
    fields: (order) => [
      refundReasonField,
      { name: 'amount', label: `Amount in ${currencyOf(order)} (captured ${money(order.payment?.captured)})`, required: true, inputmode: 'decimal' },
    ],
    initial: () => ({ refundReason: 'damaged', amount: '' }),
    check: ({ amount }, order) => (toMinorUnits(amount, currencyOf(order)) === null ? `"${amount}" is not an amount in ${currencyOf(order)}.` : null),
    body: ({ reason, refundReason, amount }, order) => ({ reason, refundReason, amount: toMinorUnits(amount, currencyOf(order)) }),
    done: refundDone,
    relevant: refundable,
  },
  {
    id: 'refund-lines',
    label: 'Refund lines',
    description: 'Gives back the chosen units: each its price and its share of tax (and of shipping when damaged).',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/refunds`,
    fields: (order) => [
      refundReasonField,
      ...order.lines.map((l) => ({ name: lineField(l.sku), label: `Units of ${l.productName} (${l.sku}), of ${l.quantity}`, type: 'number', min: 0, max: l.quantity, step: 1 })),
    ],
    initial: (order) => ({ refundReason: 'damaged', ...Object.fromEntries(order.lines.map((l) => [lineField(l.sku), '0'])) }),
    check: (values, order) => (order.lines.some((l) => Number(values[lineField(l.sku)]) > 0) ? null : 'Choose at least one unit to refund.'),
    body: (values, order) => ({
      reason: values.reason,
      refundReason: values.refundReason,
      lines: order.lines.map((l) => ({ sku: l.sku, quantity: Number(values[lineField(l.sku)]) })).filter((l) => l.quantity > 0),
    }),
    done: refundDone,
    relevant: refundable,
  },
  {
    id: 'cancel-rest',
    label: 'Cancel the rest',
    description: 'After a first parcel shipped: the parcels not handed over are stopped, their stock released, what was paid for them refunded.',
    method: 'POST',
    path: (orderId) => `/support/orders/${id(orderId)}/cancel-rest`,
    body: reasonOnly,
    danger: true,
    relevant: (order) => order.status === 'partially_shipped',
  },
];

/**
 * Approving a refund acts on one refund of the order (shown beside it on the order page). Only an
 * admin other than the requester may; the API decides, the console only says so ahead.
 */
export const approveRefundAction = {
  id: 'approve-refund',
  label: 'Approve refund',
  description: 'The refund goes to the payment provider.',
  method: 'POST',
  path: (orderId, refundId) => `/support/orders/${id(orderId)}/refunds/${id(refundId)}/approve`,
  body: reasonOnly,
  done: (refund) => `The refund is ${words(refund.stage)}.`,
};

/**
 * Deciding a return acts on one RMA of the order (shown beside it on the order page), only while it
 * waits for support (status `requested`); the return's workflow decides, a late decision is refused.
 */
const returnDecision = (decision, label, description) => ({
  id: `${decision}-return`,
  label,
  description,
  method: 'POST',
  path: (rmaId) => `/support/returns/${id(rmaId)}/${decision}`,
  body: reasonOnly,
  done: (rma) => `The return is ${words(rma.status)}.`,
});
export const returnActions = [
  returnDecision('approve', 'Approve return', 'The return label is bought and emailed to the customer.'),
  { ...returnDecision('deny', 'Deny return', 'The customer is told the return was denied.'), danger: true },
];
