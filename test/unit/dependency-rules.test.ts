import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

/** The lint rules of eslint.config.mjs are the build's guard on DESIGN.md's layering. */
describe('dependency rules', function () {
  this.timeout(30_000);
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '../..') });

  async function violations(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId?.startsWith('no-restricted')).map((m) => m.message);
  }

  const cases: [string, string, RegExp][] = [
    ['workflows/bad.ts', "import { Pool } from 'pg';\nexport const p = Pool;", /side effects belong in activities/],
    ['workflows/bad.ts', "import fs from 'node:fs';\nexport const f = fs;", /side effects belong in activities/],
    ['workflows/bad.ts', "import { Client } from '@elastic/elasticsearch';\nexport const c = Client;", /side effects/],
    ['workflows/bad.ts', "import { createInventoryActivities } from '../activities/inventory-activities';\nexport const a = createInventoryActivities;", /import type/],
    ['workflows/bad.ts', "import { createDb } from '../db/create-db';\nexport const d = createDb;", /Workflows may import only/],
    ['api/bad.ts', "import { createInventoryActivities } from '../activities/inventory-activities';\nexport const a = createInventoryActivities;", /never imports activities/],
    ['api/bad.ts', "import { createWorkers } from '../workers/create-workers';\nexport const w = createWorkers;", /never imports activities or workers/],
    ['activities/bad.ts', 'export const url = process.env.DATABASE_URL;', /process\.env/],
    ['domain/bad.ts', "import { Redis } from 'ioredis';\nexport const r = Redis;", /domain\/ is pure/],
    ['domain/bad.ts', "import { createDb } from '../db/create-db';\nexport const d = createDb;", /imports only domain/],
  ];

  for (const [file, code, message] of cases) {
    it(`refuses in ${file}: ${code.split('\n')[0]}`, async () => {
      const found = await violations(file, code);
      assert.ok(found.some((m) => message.test(m)), `expected ${message} among: ${JSON.stringify(found)}`);
    });
  }

  it('allows what the rules allow', async () => {
    assert.deepEqual(
      await violations(
        'workflows/ok.ts',
        "import { proxyActivities } from '@temporalio/workflow';\nimport type { InventoryActivities } from '../activities/inventory-activities';\nimport { money } from '../domain/money';\nexport const a = proxyActivities<InventoryActivities>({ startToCloseTimeout: '1s' });\nexport const m = money;",
      ),
      [],
    );
  });
});
