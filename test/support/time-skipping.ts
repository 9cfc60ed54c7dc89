import type { Duration } from '@temporalio/common';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { searchAttributes } from '../../workflows/shared/search-attributes';
import { startCarrierSandbox, type RunningCarrierSandbox } from './carrier-sandbox';
import { createTestApp, type TestApp } from './test-app';
import { runTestWorkers, type RunningTestWorkers } from './test-workers';

/**
 * Temporal's time-skipping test server (the Java one from Maven Central, installed by
 * scripts/install.sh; the SDK's own would be downloaded) with the real workers on it, the carrier
 * sandbox, and the app for carts: for waits of days (an authorization's hold) that a test skips.
 * One per test: skipped time never comes back, and the sandboxes keep real time. Time is
 * skipped only by `skip` (locked otherwise).
 */
export interface TimeSkippingStack {
  env: TestWorkflowEnvironment;
  db: Kysely<Database>;
  t: TestApp;
  sandbox: RunningCarrierSandbox;
  /** Moves the server's clock on by `duration`, firing every timer due meanwhile, then locks it again. */
  skip(duration: Duration): Promise<void>;
  stop(): Promise<void>;
}

export async function startTimeSkippingStack(): Promise<TimeSkippingStack> {
  const path = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (!path) throw new Error('TEMPORAL_TEST_SERVER_PATH must name the Temporal test server wrapper (scripts/install.sh installs it, scripts/test.sh sets it)');
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
  // Time moves as on the wall clock until the test skips it (env.sleep): the server would
  // otherwise jump to the next timer whenever nothing runs, firing activity timeouts meanwhile.
  const testService = env.connection.testService!;
  await testService.lockTimeSkipping({});
  // The test server knows no custom search attribute until told, as a fresh dev server would.
  // (It answers AddSearchAttributes but not ListSearchAttributes.)
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(searchAttributes.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!])),
  });
  // Tracking moves slowly in real time, so a handed-over parcel is still on its way when days are skipped.
  const sandbox = await startCarrierSandbox({ stepMs: 10 * 60_000 });
  const t = createTestApp();
  let workers: RunningTestWorkers | undefined;
  try {
    workers = await runTestWorkers({ temporal: env, easypost: sandbox.client(2_000) });
  } catch (error) {
    await Promise.allSettled([env.teardown(), sandbox.stop(), t.close()]);
    throw error;
  }
  return {
    env,
    db: t.deps.db,
    t,
    sandbox,
    skip: async (duration) => {
      await testService.unlockTimeSkipping({});
      try {
        await env.sleep(duration);
      } finally {
        await testService.lockTimeSkipping({});
      }
    },
    stop: async () => {
      await workers?.stop();
      await env.teardown();
      await sandbox.stop();
      await t.close();
    },
  };
}
