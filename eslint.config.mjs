// The dependency rules of DESIGN.md section 2, enforced at build time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioClients = ['pg', 'kysely', 'ioredis', 'stripe', '@elastic/elasticsearch', 'express', 'pino', 'pino-http', 'jose'];

const restrict = (paths, patterns) => ['error', { paths, patterns }];
const layer = (dir) => [`../${dir}`, `../${dir}/*`, `../../${dir}`, `../../${dir}/*`];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.stack/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, ...ioClients, '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map(
          (name) => ({ name, message: 'Workflow code is deterministic: side effects belong in activities.' }),
        ),
        [
          {
            group: [...layer('activities')],
            allowTypeImports: true,
            message: 'Workflows import activity types only: use `import type`.',
          },
          {
            group: [...layer('platform'), ...layer('db'), ...layer('api'), ...layer('workers')],
            message: 'Workflows may import only @temporalio/workflow, domain/, message files and activity types.',
          },
        ],
      ),
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...nodeBuiltins, ...ioClients, '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/workflow'].map(
          (name) => ({ name, message: 'domain/ is pure: it imports nothing with side effects.' }),
        ),
        [{ group: ['../*', '!../domain'], message: 'domain/ imports only domain/.' }],
      ),
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [{ name: '@temporalio/workflow', message: 'Activities are not workflow code.' }],
        [{ group: [...layer('api'), ...layer('workers'), ...layer('workflows')], message: 'Activities never import the API, workers or workflow code.' }],
      ),
    },
  },
  {
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [],
        [{ group: [...layer('activities'), ...layer('workers')], message: 'The API never imports activities or workers: it talks to workflows through the Temporal client.' }],
      ),
    },
  },
  {
    files: ['platform/**/*.ts', 'db/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [],
        [{ group: [...layer('api'), ...layer('workers'), ...layer('activities')], message: 'Shared plumbing never depends on the layers built on it.' }],
      ),
    },
  },
  {
    files: ['activities/**/*.ts', 'workflows/**/*.ts', 'domain/**/*.ts', 'api/**/*.ts', 'db/**/*.ts', 'platform/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Config is parsed once in platform/config.ts and passed in.' }],
    },
  },
  {
    // Migrations are written against Kysely<any> on purpose: they must not change when the types do.
    files: ['db/migrations/**/*.ts', 'db/migrator.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['platform/config.ts', 'db/migrate.ts', 'api/main.ts', 'db/reconcile-inventory.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
