import type { ColumnType } from 'kysely';

// Column types shared by the *.table.ts files. Money columns (`amount`, `*_amount`) are bigint
// minor units next to a currency column; create-db.ts turns int8 into a number and refuses
// unsafe integers.

/** A timestamptz column with a database default. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A timestamptz column without a default that must be given on insert. */
export type RequiredTimestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

// node-postgres sends JS arrays as Postgres array literals, not JSON, so arrays must be written
// as JSON text (JSON.stringify); plain objects are stringified by the driver itself.
type JsonWrite<T> = T extends readonly unknown[] ? string : T | string;
/** A jsonb column without a default. */
export type Json<T> = ColumnType<T, JsonWrite<T>, JsonWrite<T>>;
/** A jsonb column with a database default. */
export type JsonWithDefault<T> = ColumnType<T, JsonWrite<T> | undefined, JsonWrite<T>>;

/** ISO 4217 code, upper case. */
export type CurrencyCode = string;

/** The jsonb shape of an address on orders, shipments and warehouses. */
export interface PostalAddress {
  name?: string;
  company?: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postal_code?: string;
  /** ISO 3166-1 alpha-2 */
  country: string;
  phone?: string;
  email?: string;
}
