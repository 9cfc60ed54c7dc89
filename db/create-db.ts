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
  // A connection the server ends (a restart, a failover) emits 'error': on the pool for an idle
  // client, on the client itself for one checked out between two queries (inside a transaction).
  // Unheard, either event kills the process; heard, the query in flight fails and is retried by
  // its caller, the pool drops the client, and the next query connects anew.
  const lost = (error: Error) => onConnectionLost?.(error);
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  return pool;
}

export function createDb(options: DbOptions): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
}
