import { orderHref } from './hash-route.js';
import { html } from './html.js';
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
  const { data, error, at } = usePolling(() => loadSources(api), POLL_MS, [api]);
  return html`<section class="queues" aria-labelledby="queues-title">
    <h2 id="queues-title">Work waiting</h2>
    <p class="meta" aria-live="off">${at ? `Updated ${at.toLocaleTimeString()} · refreshes every ${POLL_MS / 1000} s` : 'Loading…'}</p>
    ${error && html`<${ProblemMessage} problem=${error} />`}
    <div class="queue-grid">
      ${workQueues.map((queue) => html`<${Queue} key=${queue.id} queue=${queue} answer=${data?.[queue.source]} />`)}
    </div>
  </section>`;
}

function Queue({ queue, answer }) {
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
        return html`<li key=${item.orderId}><a href=${orderHref(item.orderId)}><code>${item.orderId.slice(0, 8)}</code></a> <span>${item.text}</span></li>`;
      })}
    </ul>`}
    ${list && list.count > list.items.length && html`<p class="meta">Showing ${list.items.length} of ${list.count}.</p>`}
  </section>`;
}
