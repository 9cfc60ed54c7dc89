import { sql, type Kysely, type Transaction } from 'kysely';
import { isFinal, orderStatuses } from '../domain/order-state';
import type { Database, OrderStatus, PostalAddress, RiskLevel } from './database';
import { recordShipments, type NewShipment } from './shipments';

type Db = Kysely<Database> | Transaction<Database>;

/** Creates the customer row for a token subject on first checkout; a concurrent first checkout creates it once. */
async function createCustomer(db: Kysely<Database>, subject: string, email: string): Promise<void> {
  try {
    await db.insertInto('customers').values({ auth_subject: subject, email }).onConflict((oc) => oc.column('auth_subject').where('auth_subject', 'is not', null).doNothing()).execute();
  } catch (error) {
    // The email belongs to a customer known by email only (e.g. imported): adopt it.
    if ((error as { code?: string }).code !== '23505') throw error;
    await db.updateTable('customers').set({ auth_subject: subject }).where(sql`lower(email)`, '=', email.toLowerCase()).where('auth_subject', 'is', null).execute();
  }
}

export interface NewOrder {
  orderId: string;
  customerId: string;
  email: string;
  idempotencyKey: string;
  currency: string;
  subtotal: number;
  tax: number;
  shipping: number;
  total: number;
  shippingAddress: PostalAddress;
  billingAddress: PostalAddress;
  risk: { score: number; level: RiskLevel; reasons: string[] };
  lines: { sku: string; productName: string; quantity: number; unitPrice: number; total: number }[];
  /** BCP 47; absent, the emails follow the shipping country. */
  locale?: string;
}

/**
 * Creates the order and its items once, in one statement (so both commit or neither does): a
 * retry finds the row by id and inserts nothing.
 */
export async function createOrder(db: Kysely<Database>, order: NewOrder): Promise<void> {
  const items = order.lines.map((line) => ({
    sku: line.sku,
    product_name: line.productName,
    quantity: line.quantity,
    unit_price_amount: line.unitPrice,
    total_amount: line.total,
  }));
  await db
    .with('created', (qb) =>
      qb
        .insertInto('orders')
        .values({
          id: order.orderId,
          customer_id: order.customerId,
          email: order.email,
          idempotency_key: order.idempotencyKey,
          currency: order.currency,
          locale: order.locale ?? null,
          subtotal_amount: order.subtotal,
          tax_amount: order.tax,
          shipping_amount: order.shipping,
          total_amount: order.total,
          shipping_address: order.shippingAddress,
          billing_address: order.billingAddress,
          risk_score: order.risk.score,
          risk_level: order.risk.level,
          risk_reasons: JSON.stringify(order.risk.reasons),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    )
    .insertInto('order_items')
    .columns(['order_id', 'sku', 'product_name', 'quantity', 'unit_price_amount', 'total_amount'])
    .expression(
      sql`select created.id, item.sku, item.product_name, item.quantity, item.unit_price_amount, item.total_amount
          from created cross join jsonb_to_recordset(${JSON.stringify(items)}::jsonb)
            as item(sku text, product_name text, quantity integer, unit_price_amount bigint, total_amount bigint)`,
    )
    .execute();
}

const terminal = orderStatuses.filter(isFinal);

/** The email a status change sends the customer. */
export interface StatusNotification {
  template: 'order-confirmed' | 'order-on-hold' | 'order-rejected' | 'order-cancelled' | 'order-partially-shipped' | 'order-shipped' | 'order-delivered';
  payload: Record<string, unknown>;
}

/**
 * Moves an order to a status; a terminal order is never reopened, so replays are harmless.
 * The email the change sends is queued in the same statement (the notifications table is the
 * outbox a sender drains): no change without its email, no email without its change, and one
 * per order and template however often this runs. An order that does not exist moves nowhere
 * and mails nobody.
 */
export interface StatusChange {
  status: OrderStatus;
  reason?: string | null;
  notification?: StatusNotification;
  /** Who decided a risk review (approved or rejected it). */
  riskReviewedBy?: string;
  /** The parcels a confirmed order ships as, recorded in the same transaction as the confirmation. */
  parcels?: NewShipment[];
}

export async function setOrderStatus(db: Kysely<Database>, orderId: string, change: StatusChange): Promise<void> {
  const { parcels = [] } = change;
  if (parcels.length === 0) return moveOrder(db, orderId, change);
  await db.transaction().execute(async (trx) => {
    await moveOrder(trx, orderId, change);
    await recordShipments(trx, orderId, parcels);
  });
}

async function moveOrder(db: Db, orderId: string, { status, reason = null, notification, riskReviewedBy }: StatusChange): Promise<void> {
  const moved = db
    .updateTable('orders')
    .set({
      status,
      status_reason: reason,
      ...(riskReviewedBy !== undefined && { risk_reviewed_by: riskReviewedBy, risk_reviewed_at: sql<Date>`now()` }),
      ...(status === 'confirmed' && { confirmed_at: sql<Date>`coalesce(confirmed_at, now())` }),
      ...(status === 'cancelled' && { cancelled_at: sql<Date>`coalesce(cancelled_at, now())` }),
    })
    .where('id', '=', orderId)
    .where('status', 'not in', terminal);
  if (!notification) {
    await moved.execute();
    return;
  }
  await db
    .with('moved', () => moved.returning(['id', 'email']))
    .insertInto('notifications')
    .columns(['recipient', 'template', 'payload', 'dedupe_key', 'order_id'])
    .expression((eb) =>
      eb
        .selectFrom('moved')
        .select([
          'moved.email',
          eb.val(notification.template).as('template'),
          sql<string>`${JSON.stringify(notification.payload)}::jsonb`.as('payload'),
          eb.val(`${orderId}/${notification.template}`).as('dedupe_key'),
          'moved.id',
        ]),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** An email about one thing of an order (a parcel), sent without a status change. */
export interface OrderNotification {
  template: 'order-late' | 'refund-issued' | 'refund-failed';
  payload: Record<string, unknown>;
  /** What it is about (a shipment id): one per order, template and subject, however often it is queued. */
  about: string;
}

/** The dedupe key of an order's notification about one thing; the unique dedupe_key makes queuing it idempotent. */
export const notificationDedupeKey = (orderId: string, { template, about }: Pick<OrderNotification, 'template' | 'about'>): string => `${orderId}/${template}/${about}`;

/**
 * Queues the email in the outbox, to the order's address, once: the database refuses a second
 * row with the same dedupe key, so a retried activity or a repeated report queues nothing more.
 * An order that does not exist mails nobody.
 */
export async function queueOrderNotification(db: Db, orderId: string, notification: OrderNotification): Promise<void> {
  await db
    .insertInto('notifications')
    .columns(['recipient', 'template', 'payload', 'dedupe_key', 'order_id'])
    .expression((eb) =>
      eb
        .selectFrom('orders')
        .select([
          'orders.email',
          eb.val(notification.template).as('template'),
          sql<string>`${JSON.stringify(notification.payload)}::jsonb`.as('payload'),
          eb.val(notificationDedupeKey(orderId, notification)).as('dedupe_key'),
          'orders.id',
        ])
        .where('orders.id', '=', orderId),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

export async function findOrderStatus(db: Db, orderId: string): Promise<OrderStatus | undefined> {
  return (await db.selectFrom('orders').select('status').where('id', '=', orderId).executeTakeFirst())?.status;
}

export async function setShippingAddress(db: Db, orderId: string, address: PostalAddress): Promise<void> {
  await db.updateTable('orders').set({ shipping_address: address }).where('id', '=', orderId).execute();
}

/** The customers row behind a token subject (the one customer id the rest of the system uses). */
export interface CustomerRecord {
  /** customers.id, what orders.customer_id refers to. */
  id: string;
  /** What risk scoring needs to know of the customer's history. */
  ordersLast24h: number;
  ordersEver: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The customer behind a token subject (created on first checkout) and how much they ordered: one
 * round trip for a known customer. Undefined when the subject is new and the email is already
 * another account's: an email names one account.
 */
export async function identifyCustomer(db: Kysely<Database>, subject: string, email: string): Promise<CustomerRecord | undefined> {
  const since = new Date(Date.now() - DAY_MS);
  const find = () =>
    db
      .selectFrom('customers as c')
      .leftJoin('orders as o', 'o.customer_id', 'c.id')
      .where('c.auth_subject', '=', subject)
      .groupBy('c.id')
      .select((eb) => [
        'c.id',
        eb.fn.count<string>('o.id').as('ever'),
        eb.fn.count<string>('o.id').filterWhere('o.created_at', '>=', since).as('last24h'),
      ])
      .executeTakeFirst();
  let found = await find();
  if (!found) {
    await createCustomer(db, subject, email);
    found = await find();
  }
  if (!found) return undefined;
  return { id: found.id, ordersLast24h: Number(found.last24h), ordersEver: Number(found.ever) };
}
