import { ActionDialog } from './action-dialog.js';
import { money, when, words } from './format.js';
import { html, useEffect, useRef, useState } from './html.js';
import { approveRefundAction, orderActions, returnActions } from './order-actions.js';
import { OrderNotifications } from './order-notifications.js';
import { ProblemMessage } from './problem-message.js';
import { usePolling } from './use-polling.js';

const POLL_MS = 3000;

/** GET /support/orders/:id, read again every few seconds, with every action support can take. */
export function OrderPage({ api, orderId, temporalUi, session }) {
  const { data: order, error, at, refresh } = usePolling(() => api.get(`/support/orders/${encodeURIComponent(orderId)}`), POLL_MS, [api, orderId]);
  const [acting, setActing] = useState(null);
  const [done, setDone] = useState(null);
  const heading = useRef(null);
  useEffect(() => heading.current?.focus(), [orderId]);

  const onDone = (action, after) => {
    setDone(`${action.label}: done. ${action.done ? action.done(after) : `The order is now ${words(after.status)}.`}`);
    refresh();
  };

  return html`<main class="order-page" aria-labelledby="order-title">
    <p><a href="#/">← Work waiting and search</a></p>
    <h1 id="order-title" tabindex="-1" ref=${heading}>Order <code>${orderId}</code></h1>
    <p class="meta">${at ? `Updated ${at.toLocaleTimeString()} · refreshes every ${POLL_MS / 1000} s` : 'Loading…'}</p>
    ${error && html`<${ProblemMessage} problem=${error} />`}
    <p role="status" class="done">${done ?? ''}</p>
    ${order && html`
      <${Summary} order=${order} />
      <section aria-labelledby="actions-title">
        <h2 id="actions-title">Actions</h2>
        <p class="meta">Each asks for a reason. The order decides: what it does not allow now is refused with the reason.</p>
        ${[
          { title: 'Likely now', actions: orderActions.filter((a) => a.relevant?.(order)) },
          { title: 'Other actions', actions: orderActions.filter((a) => !a.relevant?.(order)) },
        ].filter((group) => group.actions.length > 0).map((group) => html`<div class="action-group" role="group" aria-label=${group.title} key=${group.title}>
          <h3>${group.title}</h3>
          <div class="actions">
            ${group.actions.map((action) => html`<button type="button" key=${action.id} data-action=${action.id} class=${action.danger ? 'danger' : ''}
              onClick=${() => { setDone(null); setActing({ action, path: action.path(order.orderId) }); }}>${action.label}</button>`)}
          </div>
        </div>`)}
      </section>
      ${acting && html`<${ActionDialog} api=${api} action=${acting.action} target=${order} path=${acting.path} subject=${acting.subject ?? html`Order <code>${order.orderId}</code>.`}
        onDone=${onDone} onClose=${() => setActing(null)} />`}
      <div class="columns">
        <div>
          <${Timeline} timeline=${order.timeline} />
          <${Workflows} order=${order} temporalUi=${temporalUi} />
        </div>
        <div>
          <${Risk} risk=${order.risk} />
          <${Lines} order=${order} />
          <${Payment} order=${order} />
          <${Refunds} order=${order} role=${session?.role}
            onApprove=${(refund) => { setDone(null); setActing({ action: approveRefundAction, path: approveRefundAction.path(order.orderId, refund.refundId), subject: html`Refund of ${money(refund.amount)} asked for by ${refund.requestedBy}.` }); }} />
          <${Returns} returns=${order.returns ?? []}
            onDecide=${(action, rma) => { setDone(null); setActing({ action, path: action.path(rma.rmaId), subject: html`Return <code>${rma.rmaId}</code> of ${money(rma.requested)} (${words(rma.reasonCode)}).` }); }} />
          <${Parcels} parcels=${order.parcels ?? []} />
          <${OrderNotifications} api=${api} orderId=${order.orderId} />
          <${Address} address=${order.shippingAddress} />
        </div>
      </div>`}
  </main>`;
}

function Summary({ order }) {
  return html`<dl class="summary">
    <div><dt>Status</dt><dd><span class=${`status status-${order.status}`} data-order-status=${order.status}>${words(order.status)}</span>${order.statusReason ? ` — ${order.statusReason}` : ''}</dd></div>
    <div><dt>Email</dt><dd>${order.email}</dd></div>
    <div><dt>Total</dt><dd>${money(order.totals?.total)}</dd></div>
    <div><dt>Fulfillment</dt><dd>${order.fulfillmentHeld ? 'held by support' : 'not held'}</dd></div>
  </dl>`;
}

function Timeline({ timeline }) {
  const newestFirst = [...timeline].reverse();
  return html`<section aria-labelledby="timeline-title">
    <h2 id="timeline-title">Timeline <span class="meta">(newest first)</span></h2>
    <ol class="timeline" aria-label="Timeline">
      ${newestFirst.map((entry, i) => html`<li key=${`${entry.at}-${i}`} data-event=${entry.event}>
        <time datetime=${entry.at}>${when(entry.at)}</time>
        <span class="event">${words(entry.event)}</span>
        ${entry.actor && html`<span class="actor">by ${entry.actor}</span>`}
        ${entry.detail && html`<span class="detail">${entry.detail}</span>`}
      </li>`)}
    </ol>
  </section>`;
}

const workflowLink = (temporalUi, workflowId) => `${temporalUi.url}/namespaces/${encodeURIComponent(temporalUi.namespace)}/workflows/${encodeURIComponent(workflowId)}`;

function Workflows({ order, temporalUi }) {
  const ids = [
    { id: `order-${order.orderId}`, what: 'the order' },
    ...(order.shipments ?? []).map((s) => ({ id: `shipment-${s.shipmentId}`, what: `parcel from ${s.warehouseCode}` })),
    ...(order.captures ?? []).map((c) => ({ id: c.workflowId, what: `capture of ${money(c.amount)}` })),
  ];
  return html`<section aria-labelledby="workflows-title">
    <h2 id="workflows-title">Workflows in the Temporal UI</h2>
    <ul class="workflows">
      ${ids.map((w) => html`<li key=${w.id}><a href=${workflowLink(temporalUi, w.id)} target="_blank" rel="noopener noreferrer"><code>${w.id}</code></a> — ${w.what}</li>`)}
    </ul>
  </section>`;
}

function Risk({ risk }) {
  return html`<section aria-labelledby="risk-title">
    <h2 id="risk-title">Risk</h2>
    ${!risk ? html`<p class="meta">Not scored.</p>` : html`
      <p>Score ${risk.score}, ${risk.level}.</p>
      ${risk.reasons.length === 0 ? html`<p class="meta">No reasons.</p>` : html`<ul class="risk-reasons">
        ${risk.reasons.map((r) => html`<li key=${r.code} data-risk-reason=${r.code}>${r.message} <span class="meta">(${r.code}, ${r.points} points)</span></li>`)}
      </ul>`}`}
  </section>`;
}

function Lines({ order }) {
  const totals = order.totals;
  return html`<section aria-labelledby="lines-title">
    <h2 id="lines-title">Lines and totals</h2>
    <table>
      <thead><tr><th scope="col">SKU</th><th scope="col">Product</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Unit price</th></tr></thead>
      <tbody>${order.lines.map((l) => html`<tr key=${l.sku}><td><code>${l.sku}</code></td><td>${l.productName}</td><td class="num">${l.quantity}</td><td class="num">${money(l.unitPrice)}</td></tr>`)}</tbody>
    </table>
    ${totals && html`<dl class="totals">
      <div><dt>Subtotal</dt><dd>${money(totals.subtotal)}</dd></div>
      <div><dt>Shipping</dt><dd>${money(totals.shipping)}</dd></div>
      <div><dt>Tax</dt><dd>${money(totals.tax)}</dd></div>
      <div><dt>Total</dt><dd><strong>${money(totals.total)}</strong></dd></div>
    </dl>`}
  </section>`;
}

function Payment({ order }) {
  const p = order.payment;
  const ledger = order.paymentLedger ?? [];
  return html`<section aria-labelledby="payment-title">
    <h2 id="payment-title">Payment</h2>
    ${p ? html`<p>${p.provider}, ${words(p.status)}: authorized ${money(p.authorized)}, captured ${money(p.captured)}${p.authorizationExpiresAt ? `; hold ends ${when(p.authorizationExpiresAt)}` : ''}.</p>` : html`<p class="meta">No payment.</p>`}
    <h3>Ledger</h3>
    ${ledger.length === 0 ? html`<p class="meta">No ledger rows.</p>` : html`<table>
      <thead><tr><th scope="col">When</th><th scope="col">Kind</th><th scope="col" class="num">Amount</th><th scope="col">Reference</th></tr></thead>
      <tbody>${ledger.map((row, i) => html`<tr key=${i}><td>${when(row.at)}</td><td>${words(row.kind)}</td><td class="num">${money(row.amount)}</td><td><code>${row.providerReference ?? '—'}</code></td></tr>`)}</tbody>
    </table>`}
  </section>`;
}

/** Each refund the order started, as its last report left it; one awaiting approval offers the approval (admins other than its requester). */
function Refunds({ order, role, onApprove }) {
  const refunds = order.refunds ?? [];
  return html`<section aria-labelledby="refunds-title">
    <h2 id="refunds-title">Refunds</h2>
    ${refunds.length === 0 ? html`<p class="meta">No refunds.</p>` : html`<table>
      <thead><tr><th scope="col" class="num">Amount</th><th scope="col">Reason</th><th scope="col">Stage</th><th scope="col">Asked by</th><th scope="col">Approved by</th><th scope="col">Failure</th><th scope="col">Approval</th></tr></thead>
      <tbody>${refunds.map((r) => html`<tr key=${r.refundId} data-refund-id=${r.refundId} data-refund-stage=${r.stage}>
        <td class="num">${money(r.amount)}${r.lines.length > 0 ? html`<br /><span class="meta">${r.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</span>` : ''}</td>
        <td>${words(r.reason)}</td>
        <td>${words(r.stage)}</td>
        <td>${r.requestedBy}</td>
        <td>${r.approvedBy ?? '—'}</td>
        <td>${r.failureReason ?? '—'}</td>
        <td>${r.stage === 'awaiting_approval' ? html`<${ApproveButton} refund=${r} role=${role} onApprove=${onApprove} />` : '—'}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function ApproveButton({ refund, role, onApprove }) {
  const why = role !== 'admin' ? 'Only an admin may approve a refund above the approval threshold.' : null;
  const hintId = `approve-hint-${refund.refundId}`;
  return html`<button type="button" data-action="approve-refund" disabled=${!!why} aria-describedby=${why ? hintId : undefined}
      aria-label=${`Approve refund of ${money(refund.amount)}`} onClick=${() => onApprove(refund)}>Approve</button>
    ${why && html`<span class="meta" id=${hintId}>${why}</span>`}`;
}

/** Each return (RMA) of the order; one waiting for support (status requested) offers approve and deny. */
function Returns({ returns, onDecide }) {
  return html`<section aria-labelledby="returns-title">
    <h2 id="returns-title">Returns</h2>
    ${returns.length === 0 ? html`<p class="meta">No returns.</p>` : html`<table>
      <thead><tr><th scope="col">RMA</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Lines</th><th scope="col">Label / tracking</th><th scope="col" class="num">Refund</th><th scope="col">Decision</th></tr></thead>
      <tbody>${returns.map((r) => html`<tr key=${r.rmaId} data-rma-id=${r.rmaId} data-return-status=${r.status}>
        <td><code>${r.rmaId}</code><br /><span class="meta">${money(r.requested)} asked ${when(r.createdAt)}</span></td>
        <td>${words(r.status)}${r.decisionReason ? html`<br /><span class="meta">${r.approval ? `${words(r.approval)}: ` : ''}${r.decisionReason}</span>` : ''}</td>
        <td>${words(r.reasonCode)}</td>
        <td>${r.lines.map((l) => `${l.quantity} × ${l.sku}${l.restockable !== null ? ` (${l.restockable} restockable, ${l.damaged ?? 0} damaged)` : ''}`).join(', ')}</td>
        <td>${r.labelUrl ? html`<a href=${r.labelUrl} target="_blank" rel="noopener noreferrer">label</a>` : '—'}${r.labelVoided ? ' (voided)' : ''}${r.trackingNumber ? ` · ${r.carrier ?? ''} ${r.trackingNumber}` : ''}</td>
        <td class="num">${r.refund ? html`${money(r.refund.amount)} (${words(r.refund.status)})${r.refund.refusal ? html`<br /><span class="meta">${r.refund.refusal}</span>` : ''}` : '—'}</td>
        <td>${r.status === 'requested' ? html`<div class="actions">${returnActions.map((action) => html`<button type="button" key=${action.id} data-action=${action.id} class=${action.danger ? 'danger' : ''}
          aria-label=${`${action.label} ${r.rmaId}`} onClick=${() => onDecide(action, r)}>${action.label}</button>`)}</div>` : '—'}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Parcels({ parcels }) {
  return html`<section aria-labelledby="parcels-title">
    <h2 id="parcels-title">Parcels</h2>
    ${parcels.length === 0 ? html`<p class="meta">No parcels yet.</p>` : html`<table>
      <thead><tr><th scope="col">Warehouse</th><th scope="col">Status</th><th scope="col">Carrier</th><th scope="col">Tracking</th><th scope="col">Label</th></tr></thead>
      <tbody>${parcels.map((s) => html`<tr key=${s.shipmentId}>
        <td>${s.warehouseCode}</td>
        <td>${words(s.status)}</td>
        <td>${s.carrier ? `${s.carrier} ${s.service ?? ''}` : '—'}</td>
        <td>${s.trackingNumber ? (s.trackingUrl ? html`<a href=${s.trackingUrl} target="_blank" rel="noopener noreferrer">${s.trackingNumber}</a>` : s.trackingNumber) : '—'}</td>
        <td>${words(s.label)}</td>
      </tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Address({ address }) {
  return html`<section aria-labelledby="address-title">
    <h2 id="address-title">Shipping address</h2>
    <address>${[address.name, address.line1, address.line2, `${address.postalCode} ${address.city}${address.region ? `, ${address.region}` : ''}`, address.country].filter(Boolean).map((line) => html`${line}<br />`)}</address>
  </section>`;
}
