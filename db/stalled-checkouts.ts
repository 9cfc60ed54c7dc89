import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

/** Orders still pending (checkout neither confirmed nor rejected them) longer than `olderThanSeconds`. */
export async function countStalledCheckouts(db: Kysely<Database>, olderThanSeconds: number): Promise<number> {
  const row = await db
    .selectFrom('orders')
    .select((eb) => eb.fn.countAll<string>().as('stalled'))
    .where('status', '=', 'pending')
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .executeTakeFirstOrThrow();
  return Number(row.stalled);
}
