import { sql, type Kysely, type Transaction } from 'kysely';
import { stockNotificationTemplates } from '../domain/stock-notifications';
import type { Database } from './database';

export interface BackInStockSubscription {
  id: string;
  sku: string;
  email: string;
  status: 'waiting' | 'notified';
  createdAt: Date;
}

export type SubscribeResult =
  | { kind: 'subscribed'; created: boolean; subscription: BackInStockSubscription }
  | { kind: 'unknown_sku' }
  | { kind: 'in_stock'; available: number };

/**
 * Locks the SKUs' variant rows, in SKU order. Subscribing and telling subscribers both take it
 * first, so a subscription made while a restock brings the SKU back is either seen by the
 * restock's notification or refused as in stock: never left waiting for the next restock.
 */
async function lockSkus(trx: Transaction<Database>, skus: string[]): Promise<string[]> {
  const rows = await trx
    .selectFrom('product_variants as v')
    .innerJoin('products as p', 'p.id', 'v.product_id')
    .select('v.sku')
    .where('v.sku', 'in', [...skus].sort())
    .where('v.active', '=', true)
    .where('p.status', '=', 'active')
    .orderBy('v.sku')
    .forNoKeyUpdate('v')
    .execute();
  return rows.map((row) => row.sku);
}

/** Units available to sell over every active warehouse. */
async function availableOf(trx: Transaction<Database>, sku: string): Promise<number> {
  const row = await trx
    .selectFrom('inventory as i')
    .innerJoin('warehouses as w', 'w.id', 'i.warehouse_id')
    .select(sql<number>`coalesce(sum(i.on_hand - i.reserved), 0)::int`.as('available'))
    .where('i.sku', '=', sku)
    .where('w.active', '=', true)
    .executeTakeFirstOrThrow();
  return row.available;
}

/**
 * A customer asks to be told when a sold-out SKU is back. Asking again while waiting is the same
 * subscription (the email is updated to the latest given).
 */
export async function subscribeBackInStock(
  db: Kysely<Database>,
  { sku, customerSubject, email }: { sku: string; customerSubject: string; email: string },
): Promise<SubscribeResult> {
  return db.transaction().execute(async (trx) => {
    if ((await lockSkus(trx, [sku])).length === 0) return { kind: 'unknown_sku' };
    const available = await availableOf(trx, sku);
    if (available > 0) return { kind: 'in_stock', available };
    const row = await trx
      .insertInto('back_in_stock_subscriptions')
      .values({ sku, customer_subject: customerSubject, email })
      .onConflict((oc) => oc.columns(['customer_subject', 'sku']).where('status', '=', 'waiting').doUpdateSet({ email }))
      .returning(['id', 'sku', 'email', 'status', 'created_at', sql<boolean>`xmax = 0`.as('created')])
      .executeTakeFirstOrThrow();
    return {
      kind: 'subscribed',
      created: row.created,
      subscription: { id: row.id, sku: row.sku, email: row.email, status: row.status, createdAt: row.created_at },
    };
  });
}

export interface BackInStockRestock {
  receiptId: string;
  warehouseCode: string;
  skus: string[];
}

/**
 * After a restock: every waiting subscriber of a SKU that is available again gets one
 * `back-in-stock` email in the outbox, and their subscription is marked notified, in one
 * statement. Run again (a retried activity), it finds nobody waiting and queues nothing; the
 * email's dedupe key (`back-in-stock/<subscriptionId>`) makes it one per subscription regardless.
 */
export async function queueBackInStockEmails(db: Kysely<Database>, restock: BackInStockRestock): Promise<{ queued: number }> {
  if (restock.skus.length === 0) return { queued: 0 };
  return db.transaction().execute(async (trx) => {
    const skus = await lockSkus(trx, restock.skus);
    if (skus.length === 0) return { queued: 0 };
    const { rows } = await sql<{ dedupe_key: string }>`
      with back as (
        select i.sku, sum(i.on_hand - i.reserved)::int as available
          from inventory i join warehouses w on w.id = i.warehouse_id and w.active
         where i.sku = any(${skus})
         group by i.sku
        having sum(i.on_hand - i.reserved) > 0
      ), told as (
        update back_in_stock_subscriptions s
           set status = 'notified', notified_at = now(), notified_by_receipt = ${restock.receiptId}
          from back
         where s.sku = back.sku and s.status = 'waiting'
        returning s.id, s.sku, s.email, back.available
      )
      insert into notifications (recipient, template, payload, dedupe_key)
      select told.email, ${stockNotificationTemplates.backInStock}::text,
             jsonb_build_object(
               'subscriptionId', told.id,
               'sku', told.sku,
               'attributes', v.attributes,
               'productId', p.id,
               'productName', p.name,
               'productSlug', p.slug,
               'price', jsonb_build_object('amount', v.price_amount, 'currency', v.currency),
               'available', told.available,
               'warehouseCode', ${restock.warehouseCode}::text,
               'receiptId', ${restock.receiptId}::text
             ),
             'back-in-stock/' || told.id
        from told
        join product_variants v on v.sku = told.sku
        join products p on p.id = v.product_id
      on conflict (dedupe_key) do nothing
      returning dedupe_key
    `.execute(trx);
    return { queued: rows.length };
  });
}
