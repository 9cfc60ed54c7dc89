import { createServer, type AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { createDb } from '../../db/create-db';
import { applyInventoryAlertSettings } from '../../db/low-stock';
import { migrateToLatest } from '../../db/migrator';
import { loadConfig, type Config } from '../../platform/config';
import { searchIndices } from '../../platform/search-indices';
import { prometheusTelemetry } from '../../platform/temporal/metrics-telemetry';
import { searchAttributes } from '../../workflows/shared/search-attributes';
import { temporalDevServerArgs } from '../../scripts/lib/temporal-dev-server-args';

/**
 * The real stack every integration suite shares: PostgreSQL, Redis, Elasticsearch and
 * stripe-mock started by scripts/test.sh, and one Temporal dev server (the pinned CLI,
 * nothing downloaded) started here once for the whole run.
 */
interface TestStack {
  config: Config;
  temporal: TestWorkflowEnvironment;
  /** host:port of the dev server, for processes the tests start (a worker to kill, a benchmark). */
  temporalAddress: string;
  /** The Prometheus endpoint of this process's Temporal Runtime: every test worker's metrics. */
  workerMetricsUrl: string;
  workflowBundle: WorkflowBundle;
}

let stack: TestStack | undefined;

export function testConfig(): Config {
  return loadConfig({ ELASTICSEARCH_INDEX_PREFIX: 'test-', LOG_LEVEL: 'warn', ...process.env, NODE_ENV: 'test' });
}

export const testIndices = () => searchIndices(testConfig().elasticsearch.indexPrefix);

/** Errors only: expected retries in fault tests would otherwise bury the mocha report. */
export const quietLogger = new DefaultLogger((process.env.TEST_SDK_LOG_LEVEL as 'ERROR' | undefined) ?? 'ERROR');

export async function startTestStack(): Promise<void> {
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  Runtime.install({ logger: quietLogger, telemetryOptions: { metrics: prometheusTelemetry(metricsAddress) } });
  const config = testConfig();
  const temporalCli = process.env.TEMPORAL_CLI_PATH;
  if (!temporalCli) throw new Error('TEMPORAL_CLI_PATH must name the pinned Temporal CLI (scripts/test.sh sets it)');

  const db = createDb({ url: config.postgres.url, poolSize: 1 });
  try {
    await migrateToLatest(db);
    await applyInventoryAlertSettings(db, config.inventoryAlerts);
  } finally {
    await db.destroy();
  }
  const port = await freePort();
  const [temporal, workflowBundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCli },
        ip: '127.0.0.1',
        port,
        searchAttributes,
        log: { format: 'json', level: 'error' },
        extraArgs: temporalDevServerArgs(),
      },
    }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietBundlerLogger }),
  ]);
  stack = { config, temporal, temporalAddress: `127.0.0.1:${port}`, workerMetricsUrl: `http://${metricsAddress}/metrics`, workflowBundle };
}

export async function stopTestStack(): Promise<void> {
  await stack?.temporal.teardown();
  stack = undefined;
}

export function testStack(): TestStack {
  if (!stack) throw new Error('the test stack is not started (test/support/root-hooks.ts)');
  return stack;
}

/** Runs the workers while `body` runs, then shuts them down and waits for them to drain. */
export async function withWorkers<T>(workers: Worker[], body: () => Promise<T>): Promise<T> {
  const running = workers.map((worker) => worker.run());
  try {
    return await body();
  } finally {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.all(running);
  }
}

/** A port nothing listens on right now, for a server a test starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const noop = () => undefined;
const quietBundlerLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
