import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, type Kysely, type MigrationResultSet, Migrator, NO_MIGRATIONS } from 'kysely';

export const MIGRATIONS_FOLDER = path.join(__dirname, 'migrations');

export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({
    db,
    provider: new FileMigrationProvider({ fs, path, migrationFolder: MIGRATIONS_FOLDER }),
  });
}

/** Kysely reports failures in the result set instead of throwing; callers that only want success/failure use this. */
export class MigrationError extends Error {
  constructor(
    readonly result: MigrationResultSet,
    cause: unknown,
  ) {
    super(`migration failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

function orThrow(result: MigrationResultSet): MigrationResultSet {
  if (result.error !== undefined) throw new MigrationError(result, result.error);
  return result;
}

export async function migrateToLatest(db: Kysely<any>): Promise<MigrationResultSet> {
  return orThrow(await createMigrator(db).migrateToLatest());
}

export async function migrateDown(db: Kysely<any>): Promise<MigrationResultSet> {
  return orThrow(await createMigrator(db).migrateDown());
}

export async function migrateDownAll(db: Kysely<any>): Promise<MigrationResultSet> {
  return orThrow(await createMigrator(db).migrateTo(NO_MIGRATIONS));
}

/** Re-runs the newest applied migration: its down, then up to latest. */
export async function migrateRedo(db: Kysely<any>): Promise<MigrationResultSet> {
  const down = await migrateDown(db);
  const up = await migrateToLatest(db);
  return { results: [...(down.results ?? []), ...(up.results ?? [])] };
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export async function migrationStatus(db: Kysely<any>): Promise<MigrationStatus[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}
