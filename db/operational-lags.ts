import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

export interface OperationalLags {
  outboxLagSeconds: number;
  pendingNotifications: number;
  /** Emails the sender gave up on, until support retries them. */
  failedNotifications: number;
  productsBehindSearch: number;
  ordersBehindSearch: number;
  /** Authorizations with money still to capture whose hold lapses within a day: orders capture the rest a day ahead, so these are behind. */
  authorizationsExpiringSoon: number;
  /** Refunds the provider refused, which support has not dealt with. */
  failedRefunds: number;
}

/** The lags ops alert on, in one round trip. */
export async function readOperationalLags(db: Kysely<Database>): Promise<OperationalLags> {
  const { rows } = await sql<{ outbox_lag: string | null; pending: string; failed_notifications: string; products_behind: string; orders_behind: string; expiring: string; failed_refunds: string }>`
    select
      (select extract(epoch from now() - min(created_at)) from notifications where status = 'pending') as outbox_lag,
      (select count(*) from notifications where status = 'pending') as pending,
      (select count(*) from notifications where status = 'failed') as failed_notifications,
      (select count(*) from products where search_indexed_version < search_version) as products_behind,
      (select count(*) from orders where search_indexed_version < search_version) as orders_behind,
      (select count(*) from payments
        where status in ('authorized', 'partially_captured') and captured_amount < authorized_amount
          and authorization_expires_at < now() + interval '1 day') as expiring,
      (select count(*) from refunds where status = 'failed') as failed_refunds
  `.execute(db);
  const row = rows[0]!;
  return {
    outboxLagSeconds: Math.max(0, Number(row.outbox_lag ?? 0)),
    pendingNotifications: Number(row.pending),
    failedNotifications: Number(row.failed_notifications),
    productsBehindSearch: Number(row.products_behind),
    ordersBehindSearch: Number(row.orders_behind),
    authorizationsExpiringSoon: Number(row.expiring),
    failedRefunds: Number(row.failed_refunds),
  };
}
