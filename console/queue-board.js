import { ActionDialog } from './action-dialog.js';
import { orderHref } from './hash-route.js';
import { html, useState } from './html.js';
import { ProblemMessage } from './problem-message.js';
import { usePolling } from './use-polling.js';
import { workQueues } from './work-queues.js';

const POLL_MS = 5000;

/** Each queue's source is read once per round, however many queues share it. */
async function loadSources(api) {
  const paths = [...new Set(workQueues.map((q) => q.source).filter(Boolean))];
  const answers = await Promise.all(paths.map((path) => api.get(path)));
  return Object.fromEntries(paths.map((path, i) => [path, answers[i]]));
}

export function QueueBoard({ api }) {
  const { data, error, at, refresh } = usePolling(() => loadSources(api), POLL_MS, [api]);
  const [acting, setActing] = useState(null);
  const [done, setDone] = useState(null);
  const act = (action, item) => {
    setDone(null);
    setActing({ action, item });
  };
  const onDone = (action, after) => {
    setDone(`${action.label}: done. ${action.done(after)}`);
    refresh();
  };
  return html`<section class="queues" aria-labelledby="queues-title">
    <h2 id="queues-title">Work waiting</h2>
    <p class="meta" aria-live="off">${at ? `Updated ${at.toLocaleTimeString()} · refreshes every ${POLL_MS / 1000} s` : 'Loading…'}</p>
    ${error && html`<${ProblemMessage} problem=${error} />`}
    <p role="status" class="done">${done ?? ''}</p>
    <div class="queue-grid">
      ${workQueues.map((queue) => html`<${Queue} key=${queue.id} queue=${queue} answer=${data?.[queue.source]} onAct=${act} />`)}
    </div>
    ${acting && html`<${ActionDialog} api=${api} action=${acting.action} target=${acting.item.target} path=${acting.action.path(acting.item.target)}
      subject=${acting.item.subject} onDone=${onDone} onClose=${() => setActing(null)} />`}
  </section>`;
}

function Queue({ queue, answer, onAct }) {
  const titleId = `queue-${queue.id}`;
  if (!queue.source) {
    return html`<section class="queue pending" aria-labelledby=${titleId} data-queue=${queue.id}>
      <h3 id=${titleId}>${queue.title}</h3>
      <p class="meta">${queue.pending}</p>
    </section>`;
  }
  const list = answer && queue.pick(answer);
  return html`<section class="queue" aria-labelledby=${titleId} data-queue=${queue.id}>
    <h3 id=${titleId}>${queue.title} <span class="count" aria-label=${list ? `${list.count} waiting` : 'loading'}>${list ? list.count : '…'}</span></h3>
    ${list && list.items.length === 0 && html`<p class="meta">Nothing waiting.</p>`}
    ${list && list.items.length > 0 && html`<ul>
      ${list.items.map((entry) => {
        const item = queue.item(entry);
        return html`<li key=${item.key ?? item.orderId} data-item=${item.key ?? item.orderId}>
          ${item.orderId ? html`<a href=${orderHref(item.orderId)}><code>${item.orderId.slice(0, 8)}</code></a>` : html`<span class="meta">no order</span>`} <span>${item.text}</span>
          ${item.actions?.length > 0 && html`<span class="item-actions">${item.actions.map((action) => html`<button type="button" key=${action.id} data-action=${action.id}
            aria-label=${`${action.label}: ${item.subject ?? item.text}`} onClick=${() => onAct(action, item)}>${action.label}</button>`)}</span>`}
        </li>`;
      })}
    </ul>`}
    ${list && list.count > list.items.length && html`<p class="meta">Showing ${list.items.length} of ${list.count}.</p>`}
  </section>`;
}
