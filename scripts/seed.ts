import { createDb } from '../db/create-db';
import { type SeedProgress, type SeedSummary, seedCatalog } from './seed/seed-catalog';
import { runMain } from '../platform/run-main';

const USAGE = 'usage: tsx scripts/seed.ts [--products N]   (default 1200)';

function parseArgs(argv: string[]): { products: number } | string {
  let products = 1200;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const inline = arg.startsWith('--products=') ? arg.slice('--products='.length) : undefined;
    if (arg !== '--products' && inline === undefined) return `unknown argument ${arg}\n${USAGE}`;
    const value = inline ?? argv[++i];
    if (value === undefined || !/^\d+$/.test(value)) return `--products needs a whole number\n${USAGE}`;
    products = Number(value);
  }
  return { products };
}

function progressPrinter(stream: NodeJS.WriteStream): (p: SeedProgress) => void {
  if (!stream.isTTY) {
    let last = '';
    return ({ step, done, total }) => {
      const line = `${step} ${done}/${total}`;
      if (line !== last) stream.write(`${line}\n`);
      last = line;
    };
  }
  const width = 30;
  return ({ step, done, total }) => {
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    stream.write(`\r${step.padEnd(15)} [${bar}] ${done}/${total}\x1b[K`);
    if (done === total) stream.write('\n');
  };
}

function printSummary(summary: SeedSummary): void {
  const rows = Object.entries(summary).map(([table, c]) => `  ${table.padEnd(14)} ${String(c.planned).padStart(7)} ${String(c.inserted).padStart(9)}`);
  console.log(`  ${'table'.padEnd(14)} ${'planned'.padStart(7)} ${'inserted'.padStart(9)}\n${rows.join('\n')}`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    console.error(args);
    return 2;
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://app@127.0.0.1:5432/app)');
    return 2;
  }

  const db = createDb({ url, poolSize: 2, applicationName: 'seed' });
  const started = process.hrtime.bigint();
  try {
    const summary = await seedCatalog(db, { products: args.products, onProgress: progressPrinter(process.stderr) });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    printSummary(summary);
    console.log(`seeded ${args.products} products in ${seconds.toFixed(2)}s`);
    return 0;
  } finally {
    await db.destroy();
  }
}

runMain(main);
