import type { Kysely } from 'kysely';
import type { Database, OrderStatus, PostalAddress } from '../db/database';
import { countCustomerOrders, createOrder, ensureCustomer, setOrderStatus, setShippingAddress, type NewOrder } from '../db/orders';

export interface OrderActivityDeps {
  db: Kysely<Database>;
}

export interface SupportAction {
  /** Unique per action (the workflow update id): recording it twice records it once. */
  actionId: string;
  actorId: string;
  actorRole: string;
  action: string;
  orderId: string;
  reason?: string;
  outcome: 'accepted' | 'refused';
  payload?: Record<string, unknown>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createOrderActivities({ db }: OrderActivityDeps) {
  return {
    async ensureCustomer({ subject, email }: { subject: string; email: string }): Promise<string> {
      return ensureCustomer(db, subject, email);
    },

    /** What risk scoring needs to know about the customer's history. */
    async customerHistory(customerId: string): Promise<{ ordersLast24h: number; ordersEver: number }> {
      const [ordersLast24h, ordersEver] = await Promise.all([
        countCustomerOrders(db, customerId, new Date(Date.now() - DAY_MS)),
        countCustomerOrders(db, customerId),
      ]);
      return { ordersLast24h, ordersEver };
    },

    /** Idempotent by order id. */
    async createOrder(order: NewOrder): Promise<void> {
      await createOrder(db, order);
    },

    /** Idempotent; a terminal order stays terminal. */
    async setOrderStatus({ orderId, status, reason }: { orderId: string; status: OrderStatus; reason?: string }): Promise<void> {
      await setOrderStatus(db, orderId, status, reason ?? null);
    },

    async updateShippingAddress({ orderId, address }: { orderId: string; address: PostalAddress }): Promise<void> {
      await setShippingAddress(db, orderId, address);
    },

    /** The support audit: who did what to which order, why, and whether it was accepted. */
    async recordSupportAction(action: SupportAction): Promise<void> {
      await db
        .insertInto('support_actions')
        .values({
          action_id: action.actionId,
          actor_id: action.actorId,
          actor_role: action.actorRole,
          action: action.action,
          order_id: action.orderId,
          target_type: 'order',
          target_id: action.orderId,
          reason: action.reason ?? null,
          outcome: action.outcome,
          payload: JSON.stringify(action.payload ?? {}),
        })
        .onConflict((oc) => oc.column('action_id').where('action_id', 'is not', null).doNothing())
        .execute();
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
