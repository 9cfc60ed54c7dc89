import assert from 'node:assert/strict';
import { composeActivities, DuplicateActivityError, overrideActivities } from '../../workers/compose-activities';
import { createActivities, createCapabilities, type ActivityClients } from '../../workers/create-activities';
import { taskQueues } from '../../workflows/shared/task-queues';

describe('composing activities per worker', () => {
  const carts = { snapshotCart: async () => 'cart', clearOrderedLines: async () => undefined };
  const payments = { authorizePayment: async () => 'authorized' };

  it('puts every activity of every capability on the worker, as it is', () => {
    const composed = composeActivities({ carts, payments });
    assert.deepEqual(Object.keys(composed).sort(), ['authorizePayment', 'clearOrderedLines', 'snapshotCart']);
    assert.equal(composed.snapshotCart, carts.snapshotCart);
    assert.equal(composed.authorizePayment, payments.authorizePayment);
  });

  it('fails fast when two capabilities define the same activity name, naming it and both capabilities', () => {
    const inventory = { reserveStock: async () => 'held', releaseStock: async () => 'released' };
    const catalog = { currentPrices: async () => [], releaseStock: async () => 'a different release' };
    assert.throws(
      () => composeActivities({ inventory, catalog }),
      (error: unknown) => {
        assert.ok(error instanceof DuplicateActivityError);
        assert.equal(error.activity, 'releaseStock');
        assert.deepEqual(error.capabilities, ['inventory', 'catalog']);
        assert.match(error.message, /"releaseStock" is defined by both inventory and catalog/);
        return true;
      },
    );
  });

  describe('the production composition', () => {
    // Factories only keep their clients; nothing is called while composing.
    const clients = { db: {}, es: {}, redis: {}, stripe: {}, indices: {} } as unknown as ActivityClients;
    const names = (activities: object) => Object.keys(activities).sort();

    it('composes every task queue without a clash, and has a worker for each queue', () => {
      const queues = createActivities(clients);
      assert.deepEqual(Object.keys(queues).sort(), Object.values(taskQueues).sort());
    });

    it('runs every step the order workflow calls locally on the orders worker (local activities run where the workflow runs)', () => {
      const { carts, catalog, inventory, orders, payments, shipping } = createCapabilities(clients);
      const onOrders = names(createActivities(clients).orders);
      for (const [capability, activities] of Object.entries({ carts, catalog, inventory, orders, payments, shipping })) {
        for (const name of names(activities)) assert.ok(onOrders.includes(name), `${capability}.${name} is not on the orders worker`);
      }
      // Routed to the orders queue by name: the cart follow-up and the payment event redelivery.
      assert.ok(onOrders.includes('clearOrderedLines'));
      assert.ok(onOrders.includes('deliverStoredPaymentEvents'));
    });

    it('keeps the activities of the inventory and search workflows on their own queues', () => {
      const queues = createActivities(clients);
      for (const name of ['receiveStock', 'invalidateProductCache', 'findOrdersWithExpiredReservations', 'settleExpiredReservations', 'productsChanged']) {
        assert.ok(Object.hasOwn(queues.inventory, name), `${name} is not on the inventory worker`);
      }
      for (const name of ['findStaleProducts', 'indexProducts', 'indexOrder']) assert.ok(Object.hasOwn(queues.search, name), `${name} is not on the search worker`);
      assert.deepEqual(names(queues.payments), names(createCapabilities(clients).payments));
      assert.deepEqual(names(queues.shipping), names(createCapabilities(clients).shipping));
    });
  });

  describe('test overrides', () => {
    const queues = { orders: composeActivities({ carts, payments }), payments: composeActivities({ payments }), search: { indexOrder: async () => 'indexed' } };

    it('replace an activity on every worker that runs it, and add it nowhere else', () => {
      const failing = async () => {
        throw new Error('injected');
      };
      const overridden = overrideActivities(queues, { authorizePayment: failing });
      assert.equal(overridden.orders.authorizePayment, failing);
      assert.equal(overridden.payments.authorizePayment, failing);
      assert.equal(overridden.orders.snapshotCart, carts.snapshotCart);
      assert.deepEqual(Object.keys(overridden.search), ['indexOrder']);
    });

    it('refuse a name no worker runs, rather than leaving the real activity in place', () => {
      assert.throws(() => overrideActivities(queues, { authorisePayment: async () => 'typo' }), /cannot override activities no worker registers: authorisePayment/);
      // Inherited names are not activities either.
      assert.throws(() => overrideActivities(queues, { toString: async () => 'not an activity' }), /no worker registers: toString/);
    });
  });
});
