import { ActionDialog } from './action-dialog.js';
import { when, words } from './format.js';
import { html, useState } from './html.js';
import { notificationActions, notificationSubject } from './notification-actions.js';
import { ProblemMessage } from './problem-message.js';
import { usePolling } from './use-polling.js';

const POLL_MS = 5000;

/** The order's emails from the outbox (GET /support/notifications?orderId=), with what support can do to each. */
export function OrderNotifications({ api, orderId }) {
  const { data, error, refresh } = usePolling(
    () => api.get(`/support/notifications?orderId=${encodeURIComponent(orderId)}&pageSize=100`),
    POLL_MS,
    [api, orderId],
  );
  const [acting, setActing] = useState(null);
  const [done, setDone] = useState(null);
  const onDone = (action, after) => {
    setDone(`${action.label}: done. ${action.done(after)}`);
    refresh();
  };
  const items = data?.items ?? [];

  return html`<section aria-labelledby="notifications-title" class="notifications">
    <h2 id="notifications-title">Emails</h2>
    ${error && html`<${ProblemMessage} problem=${error} />`}
    <p role="status" class="done">${done ?? ''}</p>
    ${!data ? html`<p class="meta">Loading…</p>` : items.length === 0 ? html`<p class="meta">No emails for this order.</p>` : html`<table>
      <thead><tr><th scope="col">Email</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last error</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${items.map((n) => html`<tr key=${n.id} data-notification-id=${n.id} data-notification-status=${n.status}>
        <td>${words(n.template)}<br /><span class="meta">to ${n.recipient}</span></td>
        <td><span class=${`status status-email-${n.status}`}>${words(n.status)}</span><br /><span class="meta">${n.sentAt ? `sent ${when(n.sentAt)}` : `changed ${when(n.updatedAt)}`}</span></td>
        <td class="num">${n.attempts}</td>
        <td class="error-text">${n.lastError ?? '—'}</td>
        <td>${notificationActions.filter((a) => a.relevant(n)).map((action) => html`<button type="button" key=${action.id} data-action=${action.id}
          aria-label=${`${action.label}: ${words(n.template)} email`} onClick=${() => { setDone(null); setActing({ action, notification: n }); }}>${action.label}</button>`)}</td>
      </tr>`)}</tbody>
    </table>`}
    ${data && data.total > items.length && html`<p class="meta">Showing ${items.length} of ${data.total}.</p>`}
    ${acting && html`<${ActionDialog} api=${api} action=${acting.action} target=${acting.notification} path=${acting.action.path(acting.notification)}
      subject=${notificationSubject(acting.notification)} onDone=${onDone} onClose=${() => setActing(null)} />`}
  </section>`;
}
