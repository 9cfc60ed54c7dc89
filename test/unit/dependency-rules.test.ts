import assert from 'node:assert/strict';
import path from 'node:path';
import { ESLint } from 'eslint';

/** The lint rules of eslint.config.mjs are the build's guard on the layering of docs/architecture.md. */
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
    ['workflows/bad.ts', "import { createInventoryActivities } from '../activities/inventory/inventory-activities';\nexport const a = createInventoryActivities;", /import type/],
    ['workflows/bad.ts', "import { createDb } from '../db/create-db';\nexport const d = createDb;", /Workflows may import only/],
    ['api/bad.ts', "import { createInventoryActivities } from '../activities/inventory/inventory-activities';\nexport const a = createInventoryActivities;", /never imports activities/],
    ['api/bad.ts', "import { createWorkers } from '../workers/create-workers';\nexport const w = createWorkers;", /never imports activities or workers/],
    ['activities/bad.ts', 'export const url = process.env.DATABASE_URL;', /process\.env/],
    ['domain/bad.ts', "import { Redis } from 'ioredis';\nexport const r = Redis;", /domain\/ is pure/],
    ['domain/bad.ts', "import { createDb } from '../db/create-db';\nexport const d = createDb;", /imports only domain/],
    // Capability folders: the same rules, one folder deeper (and deeper still).
    ['workflows/order/bad.ts', "import { createPaymentActivities } from '../../activities/payments/payment-activities';\nexport const a = createPaymentActivities;", /import type/],
    ['workflows/order/phases/bad.ts', "import { createPaymentActivities } from '../../../activities/payments/payment-activities';\nexport const a = createPaymentActivities;", /import type/],
    ['workflows/order/bad.ts', "import { createDb } from '../../db/create-db';\nexport const d = createDb;", /Workflows may import only/],
    ['workflows/order/bad.messages.ts', "import type { processOrder } from './process-order';\nexport type W = typeof processOrder;", /imports nothing back from its workflow/],
    ['workflows/order/bad.messages.ts', "import { taskQueues } from '../shared/task-queues';\nexport const q = taskQueues;", /imports nothing back from its workflow/],
    ['workflows/bad.messages.ts', "import { restock } from './inventory/restock';\nexport const r = restock;", /imports nothing back from its workflow/],
    ['workflows/order/bad.ts', "import { loadConfig } from '../../platform/config';\nexport const c = loadConfig;", /Workflows may import only/],
    ['workflows/order/bad.ts', "import { createWorkers } from '../../workers/create-workers';\nexport const w = createWorkers;", /Workflows may import only/],
    ['workflows/order/bad.ts', "import Stripe from 'stripe';\nexport const s = Stripe;", /side effects belong in activities/],
    ['activities/payments/bad.ts', "import { taskQueues } from '../../workflows/shared/task-queues';\nexport const q = taskQueues;", /never import the API, workers or workflow code/],
    ['activities/payments/bad.ts', "import { createWorkers } from '../../workers/create-workers';\nexport const w = createWorkers;", /never import the API, workers or workflow code/],
    ['activities/inventory/bad.ts', "import { notifyProductsChanged } from '../../api/notify-products-changed';\nexport const n = notifyProductsChanged;", /never import the API/],
    ['activities/payments/bad.ts', "import { condition } from '@temporalio/workflow';\nexport const c = condition;", /not workflow code/],
    ['activities/payments/bad.ts', 'export const key = process.env.STRIPE_API_KEY;', /process\.env/],
    ['api/http/bad.ts', "import { createPaymentActivities } from '../../activities/payments/payment-activities';\nexport const a = createPaymentActivities;", /never imports activities/],
    ['api/routes/bad.ts', "import { createWorkers } from '../../workers/create-workers';\nexport const w = createWorkers;", /never imports activities or workers/],
    ['db/migrations/bad.ts', "import { createInventoryActivities } from '../../activities/inventory/inventory-activities';\nexport const a = createInventoryActivities;", /Shared plumbing never depends/],
    ['platform/temporal/bad.ts', "import { createApp } from '../../api/create-app';\nexport const a = createApp;", /Shared plumbing never depends/],
    ['domain/pricing/bad.ts', "import { createDb } from '../../db/create-db';\nexport const d = createDb;", /imports only domain/],
    ['sandboxes/stripe/bad.ts', "import { money } from '../../domain/money';\nexport const m = money;", /imports nothing from the application/],
    ['console/bad.js', "import { h } from 'preact';\nexport const x = h;", /runs in the browser/],
    ['console/bad.js', "import { loadConfig } from '../platform/config';\nexport const c = loadConfig;", /runs in the browser/],
    // Deeper than the generated rules reach: refused rather than left unchecked.
    ['workflows/order/a/b/c/bad.ts', 'export const x = 1;', /do not reach this file/],
  ];

  for (const [file, code, message] of cases) {
    it(`refuses in ${file}: ${code.split('\n')[0]}`, async () => {
      const found = await violations(file, code);
      assert.ok(found.some((m) => message.test(m)), `expected ${message} among: ${JSON.stringify(found)}`);
    });
  }

  const allowed: [string, string][] = [
    [
      'workflows/ok.ts',
      "import { proxyActivities } from '@temporalio/workflow';\nimport type { InventoryActivities } from '../activities/inventory/inventory-activities';\nimport { money } from '../domain/money';\nexport const a = proxyActivities<InventoryActivities>({ startToCloseTimeout: '1s' });\nexport const m = money;",
    ],
    [
      'workflows/order/ok.ts',
      "import { proxyActivities } from '@temporalio/workflow';\nimport type { PaymentActivities } from '../../activities/payments/payment-activities';\nimport { money } from '../../domain/money';\nimport { taskQueues } from '../shared/task-queues';\nexport const a = proxyActivities<PaymentActivities>({ taskQueue: taskQueues.payments, startToCloseTimeout: '1s' });\nexport const m = money;",
    ],
    [
      'activities/payments/ok.ts',
      "import { findPayment } from '../../db/payments';\nimport { money } from '../../domain/money';\nimport { signalPaymentEvent } from '../../platform/temporal/signal-payment-event';\nimport { createOrderActivities } from '../orders/order-activities';\nexport const all = [findPayment, money, signalPaymentEvent, createOrderActivities];",
    ],
    [
      'workflows/order/ok.messages.ts',
      "import { defineQuery } from '@temporalio/workflow';\nimport type { OrderStatus } from '../../domain/order-state';\nimport type { RestockInput } from '../inventory/restock.messages';\nexport const q = defineQuery<OrderStatus, [RestockInput]>('q');",
    ],
    ['domain/pricing/ok.ts', "import { money } from '../money';\nimport { allocateStock } from '../../domain/allocation';\nexport const all = [money, allocateStock];"],
    ['console/ok.js', "import { h } from '/console/vendor/preact/preact.module.js';\nimport { money } from './format.js';\nexport const all = [h, money];"],
    ['api/http/ok.ts', "import { orderWorkflowId } from '../../workflows/order/order.messages';\nimport { createDb } from '../../db/create-db';\nexport const all = [orderWorkflowId, createDb];"],
  ];

  for (const [file, code] of allowed) {
    it(`allows in ${file} what the rules allow`, async () => {
      assert.deepEqual(await violations(file, code), []);
    });
  }
});
