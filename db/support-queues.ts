import type { Kysely } from 'kysely';
import type { Database } from './database';

export interface HeldOrderRow {
  orderId: string;
  email: string;
  riskLevel: string | null;
  riskScore: number | null;
  total: { amount: number; currency: string };
  createdAt: string;
}

/** Orders waiting for support's risk review, oldest first (the one waiting longest is due first), and how many there are. */
export async function findOrdersOnHold(db: Kysely<Database>, limit: number): Promise<{ count: number; items: HeldOrderRow[] }> {
  const [counted, rows] = await Promise.all([
    db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('count')).where('status', '=', 'on_hold').executeTakeFirstOrThrow(),
    db
      .selectFrom('orders')
      .select(['id', 'email', 'risk_level', 'risk_score', 'total_amount', 'currency', 'created_at'])
      .where('status', '=', 'on_hold')
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit)
      .execute(),
  ]);
  return {
    count: Number(counted.count),
    items: rows.map((row) => ({
      orderId: row.id,
      email: row.email,
      riskLevel: row.risk_level,
      riskScore: row.risk_score,
      total: { amount: row.total_amount, currency: row.currency },
      createdAt: new Date(row.created_at).toISOString(),
    })),
  };
}
