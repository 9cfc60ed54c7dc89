import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createEmailSender } from '../../activities/notifications/create-email-sender';
import { createDb } from '../../db/create-db';
import { createEasyPost } from '../../platform/create-easypost';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis } from '../../platform/create-redis';
import { createStripe } from '../../platform/create-stripe';
import { createActivities } from '../../workers/create-activities';
import { createWorkers, type WorkerDeps } from '../../workers/create-workers';
import { testConfig, testIndices, testStack } from './test-stack';

export interface TestWorkers {
  workers: Worker[];
  deps: WorkerDeps;
  close(): Promise<void>;
}

type RealActivities = ReturnType<typeof createActivities>;

/**
 * The production workers (same factory as workers/main.ts) on the test stack. Override a client
 * to inject an outage, or activities (computed from the real ones) to inject a fault at one step.
 */
export async function createTestWorkers(
  overrides: Partial<Omit<WorkerDeps, 'connection' | 'workflows' | 'activityOverrides'>> & {
    activityOverrides?: (real: RealActivities) => WorkerDeps['activityOverrides'];
    /** Another Temporal server than the shared dev server (the time-skipping test server). */
    temporal?: TestWorkflowEnvironment;
  } = {},
): Promise<TestWorkers> {
  const { activityOverrides, temporal: otherServer, ...clients } = overrides;
  const config = testConfig();
  const { temporal, workflowBundle } = testStack();
  const owned = {
    db: createDb({ url: config.postgres.url, poolSize: 10, applicationName: 'worker-test' }),
    es: createElasticsearch(config.elasticsearch),
    redis: createRedis(config.redis),
    // The shared test stack's Mailpit (SMTP_URL); a suite passes its own `email` to point elsewhere.
    email: createEmailSender(config.email),
  };
  const deps: WorkerDeps = {
    connection: (otherServer ?? temporal).nativeConnection,
    namespace: 'default',
    indices: testIndices(),
    stripe: createStripe(config),
    ...(config.carrier && { easypost: createEasyPost(config.carrier) }),
    ...owned,
    ...clients,
    workflows: { workflowBundle },
  };
  if (activityOverrides) deps.activityOverrides = activityOverrides(createActivities(deps));
  return {
    workers: await createWorkers(deps),
    deps,
    close: async () => {
      owned.email.transport?.close();
      await Promise.allSettled([owned.db.destroy(), owned.es.close(), owned.redis.quit()]);
    },
  };
}

export interface RunningTestWorkers extends TestWorkers {
  /** Shuts the workers down, waits for them to drain, and closes their clients. */
  stop(): Promise<void>;
}

/** createTestWorkers, already polling: for a suite that keeps the workers running throughout. */
export async function runTestWorkers(overrides: Parameters<typeof createTestWorkers>[0] = {}): Promise<RunningTestWorkers> {
  const created = await createTestWorkers(overrides);
  const running = created.workers.map((worker) => worker.run());
  return {
    ...created,
    stop: async () => {
      created.workers.forEach((worker) => worker.shutdown());
      await Promise.all(running);
      await created.close();
    },
  };
}
