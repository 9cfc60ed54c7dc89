import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type Stripe from 'stripe';
import { createCartActivities } from '../activities/carts/cart-activities';
import { createCatalogActivities } from '../activities/catalog/catalog-activities';
import { createNotificationActivities } from '../activities/notifications/notification-activities';
import type { EmailSender } from '../activities/notifications/send-due-emails';
import { createInventoryActivities } from '../activities/inventory/inventory-activities';
import { createOrderActivities } from '../activities/orders/order-activities';
import { createManualPaymentProvider } from '../activities/payments/manual-payment-provider';
import { createPaymentActivities } from '../activities/payments/payment-activities';
import { createStripePaymentProvider } from '../activities/payments/stripe-payment-provider';
import { createReturnActivities } from '../activities/returns/return-activities';
import { createSearchActivities } from '../activities/search/search-activities';
import { createEasyPostCarrier } from '../activities/shipping/easypost-carrier';
import { createRateCardCarrier } from '../activities/shipping/rate-card-carrier';
import { createShippingActivities } from '../activities/shipping/shipping-activities';
import { createUnconfiguredCarrier } from '../activities/shipping/unconfigured-carrier';
import type { Database } from '../db/database';
import type { EasyPost } from '../platform/create-easypost';
import type { SearchIndices } from '../platform/search-indices';
import type { TaskQueue } from '../workflows/shared/task-queues';
import { composeActivities, type Activities } from './compose-activities';

export interface ActivityClients {
  db: Kysely<Database>;
  es: Elasticsearch;
  redis: Redis;
  stripe: Stripe;
  indices: SearchIndices;
  /** EasyPost's client (or the carrier sandbox's), when a carrier account is configured. */
  easypost?: EasyPost;
  /** The SMTP transport (absent without SMTP_URL) and how emails are sent. */
  email: EmailSender;
}

/** Each capability's activities, built once from the clients it needs and shared by the queues that run them. */
export function createCapabilities({ db, es, redis, stripe, indices, easypost, email }: ActivityClients) {
  return {
    carts: createCartActivities({ redis }),
    catalog: createCatalogActivities({ db }),
    inventory: createInventoryActivities({ db, redis }),
    orders: createOrderActivities({ db }),
    payments: createPaymentActivities({ db, providers: { stripe: createStripePaymentProvider({ stripe }), manual: createManualPaymentProvider() } }),
    // Checkout keeps quoting from the rate card; labels and tracking go to EasyPost when configured.
    shipping: createShippingActivities({ db, carrier: createRateCardCarrier(), shippingCarrier: easypost ? createEasyPostCarrier(easypost) : createUnconfiguredCarrier() }),
    returns: createReturnActivities({ db, shippingCarrier: easypost ? createEasyPostCarrier(easypost) : createUnconfiguredCarrier() }),
    search: createSearchActivities({ db, es, indices }),
    notifications: createNotificationActivities({ db, email }),
  };
}

/**
 * The activities each task queue's worker runs. Composing refuses two capabilities that
 * register the same name on one worker, so no activity is ever silently replaced.
 */
export function createActivities(clients: ActivityClients) {
  const { carts, catalog, inventory, orders, payments, shipping, search, notifications, returns } = createCapabilities(clients);
  return {
    // The order workflow runs its steps as local activities, which execute in the worker that runs
    // the workflow: every capability it calls locally must be here. Clearing the cart (a follow-up)
    // and redelivering stored payment events (a schedule) are routed to this queue too.
    orders: composeActivities({ carts, catalog, inventory, orders, payments, shipping }),
    // Payment and shipping steps that are not local land here: provider calls scaled and limited on their own.
    payments: composeActivities({ payments }),
    shipping: composeActivities({ shipping }),
    // Restock and the expired-reservation sweep run here; product cache drops and sync signals come with inventory.
    // Return runs live here too: their steps are the return's row, its label and the stock it brings back.
    inventory: composeActivities({ inventory, returns }),
    search: composeActivities({ search }),
    notifications: composeActivities({ notifications }),
  } satisfies Record<TaskQueue, Activities>;
}

export type QueueActivities = ReturnType<typeof createActivities>;
