import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../../db/database';
import { eventually } from './eventually';

export interface HeldLock {
  /** The backend holding the lock. */
  readonly pid: number;
  /**
   * Resolves with the statements of the backends that wait on this lock, once there is one: the
   * step that needs the row is in progress, paused at that statement.
   */
  blocking(options?: { timeoutMs?: number }): Promise<string[]>;
  /** Rolls the holding transaction back; with `work`, runs it in that transaction and commits instead. */
  release(work?: (trx: Transaction<Database>) => Promise<unknown>): Promise<void>;
}

class RolledBack extends Error {}

/**
 * Takes row locks in a transaction of its own and keeps them until released: how a test pauses a
 * step of production code at the statement that needs those rows, with no hook in that code.
 */
export async function holdLock(db: Kysely<Database>, take: (trx: Transaction<Database>) => Promise<unknown>): Promise<HeldLock> {
  let held!: (pid: number) => void;
  const taken = new Promise<number>((resolve) => {
    held = resolve;
  });
  let release!: (work: ((trx: Transaction<Database>) => Promise<unknown>) | undefined) => void;
  const released = new Promise<((trx: Transaction<Database>) => Promise<unknown>) | undefined>((resolve) => {
    release = resolve;
  });
  const done = db
    .transaction()
    .execute(async (trx) => {
      const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
      await take(trx);
      held(rows[0]!.pid);
      const work = await released;
      if (!work) throw new RolledBack();
      await work(trx);
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  const pid = await Promise.race([
    taken,
    done.then(() => {
      throw new Error('the lock transaction ended before it held its locks');
    }),
  ]);
  return {
    pid,
    blocking: ({ timeoutMs = 90_000 } = {}) =>
      eventually(
        async () => (await sql<{ query: string }>`select query from pg_stat_activity where ${pid} = any(pg_blocking_pids(pid))`.execute(db)).rows.map((r) => r.query),
        (queries) => queries.length > 0,
        { timeoutMs, what: `a backend waiting on the lock held by ${pid}` },
      ),
    release: async (work) => {
      release(work);
      await done;
    },
  };
}
