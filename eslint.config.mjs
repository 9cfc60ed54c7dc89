// The dependency rules of docs/architecture.md (Layers and their rules), enforced at build time.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const ioClients = ['pg', 'kysely', 'ioredis', 'stripe', '@elastic/elasticsearch', 'express', 'pino', 'pino-http', 'jose'];

const restrict = (paths, patterns) => ['error', { paths, patterns }];

// A file `depth` folders below the root reaches a top-level folder through exactly `depth` times
// `../`. The layering rules are generated once per depth, so an import is judged by the top-level
// folder it really reaches however deep capability folders nest (workflows/order/x.ts,
// activities/payments/x.ts), and a sibling folder inside a layer is never taken for a layer.
const MAX_DEPTH = 4;
const LAYERED = ['activities', 'workflows', 'domain', 'api', 'db', 'platform'];
const up = (depth) => '../'.repeat(depth);
const layer = (depth, ...dirs) => dirs.flatMap((dir) => [`${up(depth)}${dir}`, `${up(depth)}${dir}/**`]);
/** Config blocks that restrict the imports of `roots`, one per folder depth: `restrictionsAt(depth)` gives the rule's options. */
const layering = (roots, restrictionsAt) =>
  Array.from({ length: MAX_DEPTH }, (_, index) => index + 1).map((depth) => ({
    files: roots.map((root) => `${root}/${'*/'.repeat(depth - 1)}*.ts`),
    rules: { 'no-restricted-imports': restrictionsAt(depth) },
  }));

/** What workflow code may import, for a file `depth` folders down; `extra` patterns tighten it. */
const workflowImports = (depth, extra = []) =>
  restrict(
    [...nodeBuiltins, ...ioClients, '@temporalio/client', '@temporalio/worker', '@temporalio/activity'].map(
      (name) => ({ name, message: 'Workflow code is deterministic: side effects belong in activities.' }),
    ),
    [
      {
        group: layer(depth, 'activities'),
        allowTypeImports: true,
        message: 'Workflows import activity types only: use `import type`.',
      },
      {
        group: layer(depth, 'platform', 'db', 'api', 'workers'),
        message: 'Workflows may import only @temporalio/workflow, domain/, message files and activity types.',
      },
      ...extra,
    ],
  );

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
  ...layering(['workflows'], (depth) => workflowImports(depth)),
  // Message files are what the API imports of a workflow, so they import no workflow code back.
  ...Array.from({ length: MAX_DEPTH }, (_, index) => index + 1).map((depth) => ({
    files: [`workflows/${'*/'.repeat(depth - 1)}*.messages.ts`],
    rules: {
      'no-restricted-imports': workflowImports(depth, [
        {
          regex: `^(?!.*\\.messages$)(?!${up(depth).replaceAll('.', '\\.')}domain/)\\.`,
          message: 'A message file imports nothing back from its workflow: only domain/ and other message files.',
        },
      ]),
    },
  })),
  ...layering(['domain'], (depth) =>
    restrict(
      [...nodeBuiltins, ...ioClients, '@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/workflow'].map(
        (name) => ({ name, message: 'domain/ is pure: it imports nothing with side effects.' }),
      ),
      [{ group: [`${up(depth)}*`, `!${up(depth)}domain`], message: 'domain/ imports only domain/.' }],
    ),
  ),
  ...layering(['activities'], (depth) =>
    restrict(
      [{ name: '@temporalio/workflow', message: 'Activities are not workflow code.' }],
      [{ group: layer(depth, 'api', 'workers', 'workflows'), message: 'Activities never import the API, workers or workflow code.' }],
    ),
  ),
  ...layering(['api'], (depth) =>
    restrict([], [{ group: layer(depth, 'activities', 'workers'), message: 'The API never imports activities or workers: it talks to workflows through the Temporal client.' }]),
  ),
  ...layering(['platform', 'db'], (depth) =>
    restrict([], [{ group: layer(depth, 'api', 'workers', 'activities'), message: 'Shared plumbing never depends on the layers built on it.' }]),
  ),
  {
    // A sandbox stands for a third party (Stripe, a carrier): it shares no code with the system it serves.
    files: ['sandboxes/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict([], [
        { group: ['../../*', '!../../sandboxes', '../../sandboxes/../*'], message: 'A sandbox stands for a third party: it imports nothing from the application.' },
      ]),
    },
  },
  {
    // The support console's browser code: plain ES modules the API serves as they are. A browser
    // resolves only URLs, so they import each other and the preact and htm builds the API serves
    // under /console/vendor/, never the server's code or a package name.
    files: ['console/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: Object.fromEntries(
        ['window', 'document', 'location', 'sessionStorage', 'fetch', 'atob', 'addEventListener', 'removeEventListener', 'setInterval', 'clearInterval', 'Intl', 'URLSearchParams'].map((name) => [name, 'readonly']),
      ),
    },
    rules: {
      'no-restricted-imports': restrict([], [
        { regex: '^(?!\\./[\\w-]+\\.js$|/console/vendor/)', message: 'Console code runs in the browser: it imports ./<module>.js and /console/vendor/ only.' },
      ]),
    },
  },
  {
    // Past MAX_DEPTH the rules above match no file: refuse such a file rather than leave it unchecked.
    files: [`{${LAYERED.join(',')}}/${'*/'.repeat(MAX_DEPTH)}**/*.ts`],
    rules: {
      'no-restricted-syntax': ['error', { selector: 'Program', message: `More than ${MAX_DEPTH} folders deep: the layering rules of eslint.config.mjs do not reach this file; raise MAX_DEPTH.` }],
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
    files: ['platform/config.ts', 'db/migrate.ts', 'api/main.ts', 'db/reconcile-inventory.ts', 'db/reconcile-payments.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
