// What support can do with one customer email, one entry each, the way order-actions.js lists what
// it can do with an order. The target is a notification as GET /support/notifications lists it.

import { words } from './format.js';

export const notificationActions = [
  {
    id: 'retry-notification',
    label: 'Send again',
    description: 'The email is queued again with its attempts counted afresh, and the sender takes it within seconds. Only an email that failed can be sent again.',
    method: 'POST',
    path: (notification) => `/support/notifications/${encodeURIComponent(notification.id)}/retry`,
    body: ({ reason }) => ({ reason }),
    relevant: (notification) => notification.status === 'failed',
    done: (after) => `The email to ${after.recipient} is ${words(after.status)} again.`,
  },
];

/** How a dialog names the email it acts on. */
export const notificationSubject = (notification) => `The ${words(notification.template)} email to ${notification.recipient}.`;
