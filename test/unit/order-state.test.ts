import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OrderStatus as DbOrderStatus } from '../../db/database';
import {
  canApproveRisk,
  canCancel,
  canHold,
  canRejectRisk,
  canRelease,
  canUpdateShippingAddress,
  hasShipped,
  initialOrderState,
  isFinal,
  orderEventTypes,
  orderStatuses,
  transition,
  type OrderEventType,
  type OrderState,
  type OrderStatus,
  type RefusalCode,
} from '../../domain/order-state';

const state = (status: OrderStatus, flags: Partial<OrderState> = {}): OrderState => ({ status, labelPurchased: false, fulfillmentHeld: false, ...flags });

/**
 * Every allowed transition, written out independently of the table in domain/order-state.ts:
 * event -> [from, to][]. Everything not listed must be refused.
 */
const allowed: Record<OrderEventType, [OrderStatus, OrderStatus][]> = {
  confirm: [['pending', 'confirmed']],
  holdForReview: [['pending', 'on_hold']],
  reject: [['pending', 'rejected']],
  approveRisk: [['on_hold', 'confirmed']],
  rejectRisk: [['on_hold', 'rejected']],
  reviewExpired: [['on_hold', 'cancelled']],
  cancel: [
    ['on_hold', 'cancelled'],
    ['confirmed', 'cancelled'],
  ],
  hold: [
    ['confirmed', 'confirmed'],
    ['partially_shipped', 'partially_shipped'],
  ],
  release: [
    ['confirmed', 'confirmed'],
    ['partially_shipped', 'partially_shipped'],
    ['shipped', 'shipped'],
    ['delivered', 'delivered'],
    ['returned', 'returned'],
    ['partially_refunded', 'partially_refunded'],
    ['refunded', 'refunded'],
  ],
  changeShippingAddress: [
    ['on_hold', 'on_hold'],
    ['confirmed', 'confirmed'],
  ],
  labelPurchased: [
    ['confirmed', 'confirmed'],
    ['partially_shipped', 'partially_shipped'],
  ],
  partiallyShipped: [
    ['confirmed', 'partially_shipped'],
    ['partially_shipped', 'partially_shipped'],
  ],
  shipped: [
    ['confirmed', 'shipped'],
    ['partially_shipped', 'shipped'],
  ],
  delivered: [['shipped', 'delivered']],
  returned: [
    ['shipped', 'returned'],
    ['delivered', 'returned'],
  ],
  partiallyRefunded: [
    ['delivered', 'partially_refunded'],
    ['returned', 'partially_refunded'],
    ['partially_refunded', 'partially_refunded'],
  ],
  refunded: [
    ['delivered', 'refunded'],
    ['returned', 'refunded'],
    ['partially_refunded', 'refunded'],
  ],
  close: [
    ['delivered', 'closed'],
    ['returned', 'closed'],
    ['partially_refunded', 'closed'],
    ['refunded', 'closed'],
  ],
};

/** Why each support update is refused in each status (undefined: allowed), flags at their usual values. */
const expectedRefusals: Record<'cancel' | 'approveRisk' | 'rejectRisk' | 'hold' | 'release', Record<OrderStatus, RefusalCode | undefined>> = {
  cancel: {
    pending: 'checkout-in-progress',
    on_hold: undefined,
    rejected: 'order-final',
    confirmed: undefined,
    partially_shipped: 'already-shipped',
    shipped: 'already-shipped',
    delivered: 'already-shipped',
    cancelled: 'order-final',
    returned: 'already-shipped',
    partially_refunded: 'already-shipped',
    refunded: 'already-shipped',
    closed: 'order-final',
  },
  approveRisk: {
    pending: 'not-on-hold',
    on_hold: undefined,
    rejected: 'not-on-hold',
    confirmed: 'not-on-hold',
    partially_shipped: 'not-on-hold',
    shipped: 'not-on-hold',
    delivered: 'not-on-hold',
    cancelled: 'not-on-hold',
    returned: 'not-on-hold',
    partially_refunded: 'not-on-hold',
    refunded: 'not-on-hold',
    closed: 'not-on-hold',
  },
  rejectRisk: {
    pending: 'not-on-hold',
    on_hold: undefined,
    rejected: 'not-on-hold',
    confirmed: 'not-on-hold',
    partially_shipped: 'not-on-hold',
    shipped: 'not-on-hold',
    delivered: 'not-on-hold',
    cancelled: 'not-on-hold',
    returned: 'not-on-hold',
    partially_refunded: 'not-on-hold',
    refunded: 'not-on-hold',
    closed: 'not-on-hold',
  },
  // Not held yet.
  hold: {
    pending: 'checkout-in-progress',
    on_hold: 'in-risk-review',
    rejected: 'order-final',
    confirmed: undefined,
    partially_shipped: undefined,
    shipped: 'nothing-left-to-ship',
    delivered: 'nothing-left-to-ship',
    cancelled: 'order-final',
    returned: 'nothing-left-to-ship',
    partially_refunded: 'nothing-left-to-ship',
    refunded: 'nothing-left-to-ship',
    closed: 'order-final',
  },
  // Held.
  release: {
    pending: 'illegal-transition', // unreachable: a pending order cannot be held
    on_hold: 'illegal-transition', // unreachable: an order in risk review cannot be held
    rejected: 'order-final',
    confirmed: undefined,
    partially_shipped: undefined,
    shipped: undefined,
    delivered: undefined,
    cancelled: 'order-final',
    returned: undefined,
    partially_refunded: undefined,
    refunded: undefined,
    closed: 'order-final',
  },
};

const guards = { cancel: canCancel, approveRisk: canApproveRisk, rejectRisk: canRejectRisk, hold: canHold, release: canRelease, changeShippingAddress: canUpdateShippingAddress };

/** The flags an event is usually tried with: release needs a hold to release. */
const before = (event: OrderEventType, status: OrderStatus): OrderState => state(status, { fulfillmentHeld: event === 'release' });

describe('order state machine', () => {
  it('has the statuses of the latest orders_status_check constraint and of db OrderStatus', () => {
    const migration = readFileSync(join(__dirname, '../../db/migrations/2026_12_20_0001_refunds_in_flight.ts'), 'utf8');
    const check = /add constraint orders_status_check check \(status in \(([^)]*)\)\)/.exec(migration);
    assert.ok(check?.[1], 'orders_status_check not found in the migration');
    const inConstraint = [...check[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    assert.deepEqual([...inConstraint].sort(), [...orderStatuses].sort());
    // Fails to compile when the unions differ.
    const sameUnion: [DbOrderStatus] extends [OrderStatus] ? ([OrderStatus] extends [DbOrderStatus] ? true : false) : false = true;
    assert.equal(sameUnion, true);
  });

  it('starts pending, with no label and no hold', () => {
    assert.deepEqual(initialOrderState, { status: 'pending', labelPurchased: false, fulfillmentHeld: false });
  });

  for (const event of orderEventTypes) {
    describe(`event ${event}`, () => {
      for (const status of orderStatuses) {
        const to = allowed[event].find(([from]) => from === status)?.[1];
        it(to ? `moves ${status} to ${to}` : `is refused when ${status}`, () => {
          const result = transition(before(event, status), { type: event });
          if (to) {
            assert.ok(result.ok, JSON.stringify(result));
            assert.equal(result.state.status, to);
          } else {
            assert.equal(result.ok, false);
            assert.ok(!result.ok && result.refusal.message.length > 0);
          }
        });
      }
    });
  }

  it('refuses each support update with the reason its guard gives, and the guard and transition agree', () => {
    for (const [event, byStatus] of Object.entries(expectedRefusals) as [keyof typeof expectedRefusals, Record<OrderStatus, RefusalCode | undefined>][]) {
      for (const status of orderStatuses) {
        const subject = before(event, status);
        const expected = byStatus[status];
        const result = transition(subject, { type: event });
        assert.equal(result.ok ? undefined : result.refusal.code, expected, `${event} when ${status}`);
        if (expected !== 'illegal-transition') assert.equal(guards[event](subject)?.code, expected, `guard ${event} when ${status}`);
      }
    }
  });

  it('refuses unguarded events out of place as illegal transitions, naming event and status', () => {
    const result = transition(state('pending'), { type: 'delivered' });
    assert.deepEqual(result, { ok: false, refusal: { code: 'illegal-transition', message: 'delivered cannot happen to an order that is pending' } });
  });

  it('explains why a cancel is refused once something shipped', () => {
    assert.match(canCancel(state('partially_shipped'))?.message ?? '', /partially_shipped: something has left the warehouse, so it needs a return or refund/);
  });

  it('holds and releases fulfillment as a flag, refusing a second hold or a release without one', () => {
    const held = transition(state('confirmed'), { type: 'hold' });
    assert.deepEqual(held, { ok: true, state: state('confirmed', { fulfillmentHeld: true }) });
    assert.equal(canHold(state('confirmed', { fulfillmentHeld: true }))?.code, 'already-held');
    assert.equal(canRelease(state('confirmed'))?.code, 'not-held');
    assert.deepEqual(transition(state('partially_shipped', { fulfillmentHeld: true }), { type: 'release' }), {
      ok: true,
      state: state('partially_shipped'),
    });
    // A held order can still be cancelled, and carrier facts still apply.
    assert.equal(canCancel(state('confirmed', { fulfillmentHeld: true })), undefined);
    assert.deepEqual(transition(state('confirmed', { fulfillmentHeld: true }), { type: 'shipped' }), {
      ok: true,
      state: state('shipped', { fulfillmentHeld: true }),
    });
  });

  it('allows a shipping address change until something ships, a bought label or not (the parcel voids it and buys another)', () => {
    const expected: Record<OrderStatus, RefusalCode | undefined> = {
      pending: 'checkout-in-progress',
      on_hold: undefined,
      rejected: 'order-final',
      confirmed: undefined,
      partially_shipped: 'already-shipped',
      shipped: 'already-shipped',
      delivered: 'already-shipped',
      cancelled: 'order-final',
      returned: 'already-shipped',
      partially_refunded: 'already-shipped',
      refunded: 'already-shipped',
      closed: 'order-final',
    };
    for (const status of orderStatuses) assert.equal(canUpdateShippingAddress(state(status))?.code, expected[status], status);
    assert.equal(canUpdateShippingAddress(state('confirmed', { labelPurchased: true })), undefined);
    const labelled = transition(state('confirmed'), { type: 'labelPurchased' });
    assert.ok(labelled.ok);
    assert.equal(canUpdateShippingAddress(labelled.state), undefined);
    assert.equal(canUpdateShippingAddress(state('partially_shipped', { labelPurchased: true }))?.code, 'already-shipped');
  });

  it('keeps the other flags and never changes the state it is given', () => {
    const subject = state('confirmed', { labelPurchased: true, fulfillmentHeld: true });
    const copy = { ...subject };
    const result = transition(subject, { type: 'partiallyShipped' });
    assert.deepEqual(result, { ok: true, state: { status: 'partially_shipped', labelPurchased: true, fulfillmentHeld: true } });
    assert.deepEqual(subject, copy);
  });

  it('reaches every status from pending, and nothing leaves a final one', () => {
    const key = (s: OrderState): string => `${s.status}/${s.labelPurchased}/${s.fulfillmentHeld}`;
    const seen = new Map<string, OrderState>([[key(initialOrderState), initialOrderState]]);
    const queue = [initialOrderState];
    for (let next = queue.shift(); next; next = queue.shift()) {
      for (const type of orderEventTypes) {
        const result = transition(next, { type });
        if (isFinal(next.status)) assert.equal(result.ok, false, `${type} left final ${next.status}`);
        if (result.ok && !seen.has(key(result.state))) {
          seen.set(key(result.state), result.state);
          queue.push(result.state);
        }
      }
    }
    const reachable = new Set([...seen.values()].map((s) => s.status));
    assert.deepEqual([...reachable].sort(), [...orderStatuses].sort());
    // In every reachable state, each support update's validator and the transition agree.
    for (const reached of seen.values()) {
      for (const [event, guard] of Object.entries(guards) as [OrderEventType, (s: OrderState) => unknown][]) {
        assert.equal(guard(reached) === undefined, transition(reached, { type: event }).ok, `${event} in ${key(reached)}`);
      }
    }
    // Final and shipped statuses as the state machine sees them.
    assert.deepEqual(orderStatuses.filter(isFinal), ['rejected', 'cancelled', 'closed']);
    assert.deepEqual(orderStatuses.filter(hasShipped), ['partially_shipped', 'shipped', 'delivered', 'returned', 'partially_refunded', 'refunded']);
  });
});
