// Every action support can take on an order, one entry each. Each asks for a reason; `fields` adds
// what else it needs, and `body` turns the form's values into the request. A new action (a refund,
// a return decision) is one more entry here.

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
  // Slots for the actions other work adds, one entry each: refund by amount or lines, approve a
  // refund, approve or deny a return, cancel the rest.
];
