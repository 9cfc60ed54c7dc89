import { money, when, words } from './format.js';
import { orderHref } from './hash-route.js';
import { html, useState } from './html.js';
import { ProblemMessage } from './problem-message.js';
import { usePolling } from './use-polling.js';

const POLL_MS = 5000;
const orderStatuses = ['pending', 'on_hold', 'rejected', 'confirmed', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'returned', 'refunded', 'closed'];
const shipmentStatuses = ['pending', 'label_purchased', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned', 'cancelled'];

const textFields = [
  { name: 'email', label: 'Email', type: 'email' },
  { name: 'orderId', label: 'Order id' },
  { name: 'sku', label: 'SKU' },
  { name: 'trackingNumber', label: 'Tracking number' },
  { name: 'rmaId', label: 'RMA id' },
];
const selectFields = [
  { name: 'status', label: 'Order status', options: orderStatuses },
  { name: 'shipmentStatus', label: 'Parcel status', options: shipmentStatuses },
];
const blank = Object.fromEntries([...textFields, ...selectFields].map((f) => [f.name, '']));

/** GET /support/orders with the filters given; the last search is run again every few seconds. */
export function OrderSearch({ api }) {
  const [values, setValues] = useState(blank);
  const [query, setQuery] = useState(null);
  const { data, error, at } = usePolling(() => (query === null ? Promise.resolve(null) : api.get(`/support/orders?${query}`)), POLL_MS, [api, query]);

  const set = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });
  const submit = (event) => {
    event.preventDefault();
    const params = new URLSearchParams(Object.entries(values).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== ''));
    setQuery(params.toString());
  };

  return html`<section class="search" aria-labelledby="search-title">
    <h2 id="search-title">Find orders</h2>
    <form class="search-form" onSubmit=${submit} role="search" aria-label="Order search">
      ${textFields.map((f) => html`<div class="field" key=${f.name}>
        <label for=${`search-${f.name}`}>${f.label}</label>
        <input id=${`search-${f.name}`} name=${f.name} type=${f.type ?? 'text'} value=${values[f.name]} onInput=${set(f.name)} />
      </div>`)}
      ${selectFields.map((f) => html`<div class="field" key=${f.name}>
        <label for=${`search-${f.name}`}>${f.label}</label>
        <select id=${`search-${f.name}`} name=${f.name} value=${values[f.name]} onChange=${set(f.name)}>
          <option value="">any</option>
          ${f.options.map((o) => html`<option value=${o}>${words(o)}</option>`)}
        </select>
      </div>`)}
      <div class="field submit"><button type="submit">Search</button></div>
    </form>
    ${error && html`<${ProblemMessage} problem=${error} />`}
    ${data && html`<${Results} data=${data} at=${at} />`}
  </section>`;
}

function Results({ data, at }) {
  return html`<div class="results">
    <p role="status" class="meta">${data.total} ${data.total === 1 ? 'order' : 'orders'} found · updated ${at?.toLocaleTimeString()}</p>
    ${data.items.length > 0 && html`<table>
      <caption class="visually-hidden">Orders found, newest first</caption>
      <thead><tr><th scope="col">Order</th><th scope="col">Email</th><th scope="col">Status</th><th scope="col">Total</th><th scope="col">Parcels</th><th scope="col">Placed</th></tr></thead>
      <tbody>
        ${data.items.map((o) => html`<tr key=${o.orderId}>
          <td><a href=${orderHref(o.orderId)}><code>${o.orderId}</code></a></td>
          <td>${o.email}</td>
          <td><span class=${`status status-${o.status}`}>${words(o.status)}</span></td>
          <td class="num">${money({ amount: o.total, currency: o.currency })}</td>
          <td>${(o.shipments ?? []).map((s) => `${words(s.status)}${s.trackingNumber ? ` (${s.trackingNumber})` : ''}`).join(', ') || '—'}</td>
          <td>${when(o.createdAt)}</td>
        </tr>`)}
      </tbody>
    </table>`}
  </div>`;
}
