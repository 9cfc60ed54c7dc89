import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

export interface OperationalLags {
  outboxLagSeconds: number;
  pendingNotifications: number;
  productsBehindSearch: number;
  ordersBehindSearch: number;
}

/** The lags ops alert on, in one round trip. */
export async function readOperationalLags(db: Kysely<Database>): Promise<OperationalLags> {
  const { rows } = await sql<{ outbox_lag: string | null; pending: string; products_behind: string; orders_behind: string }>`
    select
      (select extract(epoch from now() - min(created_at)) from notifications where status = 'pending') as outbox_lag,
      (select count(*) from notifications where status = 'pending') as pending,
      (select count(*) from products where search_indexed_version < search_version) as products_behind,
      (select count(*) from orders where search_indexed_version < search_version) as orders_behind
  `.execute(db);
  const row = rows[0]!;
  return {
    outboxLagSeconds: Math.max(0, Number(row.outbox_lag ?? 0)),
    pendingNotifications: Number(row.pending),
    productsBehindSearch: Number(row.products_behind),
    ordersBehindSearch: Number(row.orders_behind),
  };
}
