// The queues of work on the home page, one entry each. `source` is the API path that answers the
// queue and `pick` takes its list (`{ count, items }`) from the answer; `item` says how an entry
// reads, and may offer `actions` on its `target` (each asks for a reason in the action dialog). A
// queue whose API is not built yet has `source: null` and says so. A new queue is one more entry here.

import { money, when, words } from './format.js';
import { notificationActions, notificationSubject } from './notification-actions.js';

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
  {
    id: 'refunds-awaiting-approval',
    title: 'Refunds awaiting approval',
    source: '/support/queues',
    pick: (answer) => answer.refundsAwaitingApproval,
    item: (r) => ({ key: r.refundId, orderId: r.orderId, text: `${money(r.amount)} · ${words(r.reason)} · asked by ${r.requestedBy} · expires ${when(r.approvalDeadline)}` }),
  },
  {
    id: 'failed-refunds',
    title: 'Failed refunds',
    source: '/support/queues',
    pick: (answer) => answer.failedRefunds,
    item: (r) => ({ key: r.refundId, orderId: r.orderId, text: `${money(r.amount)} · ${words(r.reason)} · asked by ${r.requestedBy} · ${r.failureReason ?? 'no reason recorded'}` }),
  },
  {
    id: 'rmas-to-decide',
    title: 'Returns (RMAs) to decide',
    source: '/support/queues',
    pick: (answer) => answer.returnsToDecide,
    item: (r) => ({ key: r.rmaId, orderId: r.orderId, text: `RMA ${r.rmaId} · ${money(r.requested)} · ${words(r.reasonCode)} · asked ${when(r.createdAt)}` }),
  },
  {
    id: 'returns-not-refunded',
    title: 'Returns received, refund refused',
    source: '/support/queues',
    pick: (answer) => answer.returnsNotRefunded,
    item: (r) => ({ key: r.rmaId, orderId: r.orderId, text: `RMA ${r.rmaId} · ${words(r.reasonCode)} · received ${when(r.receivedAt)} · ${r.refusal}` }),
  },
  {
    id: 'failed-notifications',
    title: 'Emails that failed',
    source: '/support/notifications?status=failed&pageSize=50',
    pick: (answer) => ({ count: answer.total, items: answer.items }),
    item: (n) => ({
      key: n.id,
      orderId: n.orderId,
      text: `${words(n.template)} to ${n.recipient} · ${n.attempts} ${n.attempts === 1 ? 'attempt' : 'attempts'} · ${n.lastError ?? 'no error recorded'}`,
      target: n,
      subject: notificationSubject(n),
      actions: notificationActions.filter((a) => a.relevant(n)),
    }),
  },
];
