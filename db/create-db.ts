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
}

export function createPool({ url, poolSize = 10, applicationName = 'order-fulfillment' }: DbOptions): pg.Pool {
  return new pg.Pool({ connectionString: url, max: poolSize, application_name: applicationName, types });
}

export function createDb(options: DbOptions): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: createPool(options) }) });
}
