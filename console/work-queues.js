// The queues of work on the home page, one entry each. `source` is the API path that answers the
// queue and `pick` takes its list (`{ count, items }`) from the answer; a queue whose API is not
// built yet has `source: null` and says so. A new queue is one more entry here.

import { money, words } from './format.js';

export const workQueues = [
  {
    id: 'on-hold',
    title: 'Orders on hold for review',
    source: '/support/queues',
    pick: (answer) => answer.onHold,
    item: (order) => ({ orderId: order.orderId, text: `${order.email} · ${money(order.total)} · risk ${order.riskLevel ?? '—'} (${order.riskScore ?? '—'})` }),
  },
  {
    id: 'parcel-problems',
    title: 'Late or failed parcels',
    source: '/support/queues',
    pick: (answer) => answer.parcelProblems,
    item: (entry) => ({ orderId: entry.orderId, text: `${entry.alerts.map(words).join(', ')} · order ${words(entry.orderStatus ?? 'unknown')}` }),
  },
  // Slots for the queues the refunds, returns and email work add:
  { id: 'refunds-awaiting-approval', title: 'Refunds awaiting approval', source: null, pending: 'Arrives with refunds.' },
  { id: 'failed-refunds', title: 'Failed refunds', source: null, pending: 'Arrives with refunds.' },
  { id: 'rmas-to-decide', title: 'Returns (RMAs) to decide', source: null, pending: 'Arrives with returns.' },
  { id: 'failed-notifications', title: 'Emails that failed', source: null, pending: 'Arrives with the email sender.' },
];
