import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { businessFailure } from '../../domain/business-failure';
import type { Database, PostalAddress } from '../../db/database';
import { recordSupportAudit } from '../../db/support-actions';
import { ParcelNotInOrder } from '../../db/shipments';
import {
  createOrder,
  identifyCustomer,
  queueOrderNotification,
  setOrderStatus,
  setShippingAddress,
  type CustomerRecord,
  type NewOrder,
  type OrderNotification,
  type StatusChange,
  type StatusNotification,
} from '../../db/orders';

export type { CustomerRecord, OrderNotification, StatusChange, StatusNotification };

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

export function createOrderActivities({ db }: OrderActivityDeps) {
  return {
    /** The customer row for the token subject (created on first checkout) and what risk scoring needs to know of their orders. */
    async identifyCustomer({ subject, email }: { subject: string; email: string }): Promise<CustomerRecord> {
      const found = await identifyCustomer(db, subject, email);
      if (!found) throw businessFailure('EmailInUse', 'this email belongs to another account: sign in to that account, or check out with another email', {});
      return found;
    },

    /** Idempotent by order id. */
    async createOrder(order: NewOrder): Promise<void> {
      await createOrder(db, order);
    },

    /** Idempotent; a terminal order stays terminal. The email the change sends is queued with it, once. */
    async setOrderStatus({ orderId, ...change }: { orderId: string } & StatusChange): Promise<void> {
      try {
        await setOrderStatus(db, orderId, change);
      } catch (error) {
        if (error instanceof ParcelNotInOrder) throw ApplicationFailure.nonRetryable(error.message, 'ParcelNotInOrder');
        throw error;
      }
    },

    /** An email without a status change (a parcel is late): queued once per order, template and subject, by the outbox's unique dedupe key. */
    async queueNotification({ orderId, ...notification }: { orderId: string } & OrderNotification): Promise<void> {
      await queueOrderNotification(db, orderId, notification);
    },

    async updateShippingAddress({ orderId, address }: { orderId: string; address: PostalAddress }): Promise<void> {
      await setShippingAddress(db, orderId, address);
    },

    /** The support audit: who did what to which order, why, and whether it was accepted. */
    async recordSupportAction(action: SupportAction): Promise<void> {
      await recordSupportAudit(db, {
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
      });
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
