import type { MigrationResultSet } from 'kysely';
import { createDb } from './create-db';
import {
  MigrationError,
  migrateDown,
  migrateDownAll,
  migrateRedo,
  migrateToLatest,
  migrationStatus,
} from './migrator';

const USAGE = 'usage: tsx db/migrate.ts [latest|down|down-all|redo|status]';

const commands = {
  latest: migrateToLatest,
  down: migrateDown,
  'down-all': migrateDownAll,
  redo: migrateRedo,
} as const;

function printResults({ results }: MigrationResultSet): void {
  if (!results || results.length === 0) {
    console.log('nothing to do');
    return;
  }
  for (const r of results) {
    const mark = r.status === 'Success' ? 'ok' : r.status === 'Error' ? 'FAILED' : 'skipped';
    console.log(`${mark.padEnd(7)} ${r.direction.toLowerCase().padEnd(4)} ${r.migrationName}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] ?? 'latest';
  if (argv.length > 1 || !(command in commands || command === 'status')) {
    console.error(USAGE);
    return 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://app@127.0.0.1:5432/app)');
    return 2;
  }

  const db = createDb({ url, poolSize: 1, applicationName: 'migrate' });
  try {
    if (command === 'status') {
      for (const m of await migrationStatus(db)) {
        console.log(`${m.executedAt ? m.executedAt.toISOString() : 'pending'.padEnd(24)}  ${m.name}`);
      }
      return 0;
    }
    printResults(await commands[command as keyof typeof commands](db));
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      printResults(error.result);
      console.error(error.message);
    } else {
      console.error(error);
    }
    return 1;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
