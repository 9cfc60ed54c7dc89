import assert from 'node:assert/strict';
import { expiredReservationAction } from '../../domain/expired-reservation';
import { orderStatuses, type OrderStatus } from '../../domain/order-state';

describe('expired reservations: what the sweep does per order status', () => {
  const whenWorkflowGone: Record<OrderStatus, ReturnType<typeof expiredReservationAction>> = {
    pending: { kind: 'end-order', status: 'rejected' },
    on_hold: { kind: 'end-order', status: 'cancelled' },
    rejected: { kind: 'release' },
    cancelled: { kind: 'release' },
    confirmed: { kind: 'escalate' },
    partially_shipped: { kind: 'escalate' },
    shipped: { kind: 'escalate' },
    delivered: { kind: 'escalate' },
    returned: { kind: 'escalate' },
    partially_refunded: { kind: 'escalate' },
    refunded: { kind: 'escalate' },
    closed: { kind: 'escalate' },
  };

  for (const status of orderStatuses) {
    it(`${status}: ${JSON.stringify(whenWorkflowGone[status])} when its workflow is gone`, () => {
      assert.deepEqual(expiredReservationAction(status, false), whenWorkflowGone[status]);
    });
  }

  it('leaves every order whose workflow runs to it, except those that freed their stock', () => {
    for (const status of orderStatuses) {
      const expected = status === 'rejected' || status === 'cancelled' ? { kind: 'release' } : { kind: 'keep' };
      assert.deepEqual(expiredReservationAction(status, true), expected, status);
    }
  });
});
