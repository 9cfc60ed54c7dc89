import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database';

const INT8_OID = 20;

/** int8 arrives as a string; money and quantities must stay exact, so refuse anything unsafe. */
export function parseSafeInteger(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`bigint ${text} is outside the safe integer range`);
  }
  return value;
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? parseSafeInteger : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface DbOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
  /** How long a query waits for a connection before it fails (and the API answers 503). */
  connectionTimeoutMs?: number;
  /** Told when the server ends an idle pooled connection (a restart, a failover); the pool replaces it. */
  onConnectionLost?: (error: Error) => void;
}

export function createPool({ url, poolSize = 10, applicationName = 'order-fulfillment', connectionTimeoutMs = 5_000, onConnectionLost }: DbOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName, connectionTimeoutMillis: connectionTimeoutMs, types });
  // An idle client whose connection the server ended emits 'error' on the pool. Unheard, that
  // event kills the process; heard, the pool drops the client and the next query connects anew.
  pool.on('error', (error) => onConnectionLost?.(error));
  return pool;
}

export function createDb(options: DbOptions): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
}
