import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CARRIER_TEST_KEY, CARRIER_TEST_WEBHOOK_SECRET, type RunningCarrierSandbox } from './carrier-sandbox';
import { freePort, testConfig, testStack } from './test-stack';

export interface WorkerProcess {
  readonly pid: number;
  /** Still the same process, not exited. */
  running(): boolean;
  /** What the process wrote so far (its JSON logs and any crash), for failure messages. */
  output(): string;
  /** SIGKILL: no graceful shutdown, no chance to report anything to Temporal. Resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (the runtime drains the workers), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerProcessOptions {
  /** Where the worker's Stripe client sends requests (the Stripe sandbox: testConfig().stripe.apiBase). */
  stripeApiBase: string;
  /** Bundling the workflows on start takes a while on a busy machine. */
  readyTimeoutMs?: number;
  /** More of the worker's environment: e.g. the carrier (CARRIER_API_BASE, EASYPOST_API_KEY) of a suite's own sandbox. */
  env?: NodeJS.ProcessEnv;
}

const ROOT = path.resolve(__dirname, '../..');
const OUTPUT_LIMIT = 200_000;

/**
 * The real worker entry point (workers/main.ts) in a process of its own, against the test stack
 * and this run's Temporal dev server, so a test can kill it the way a crash or an OOM kill would.
 */
export async function startWorkerProcess({ stripeApiBase, readyTimeoutMs = 120_000, env = {} }: WorkerProcessOptions): Promise<WorkerProcess> {
  // Its own metrics port: a second worker (the one that takes over from a killed one, or another run's) must not collide.
  const metrics = { WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}` };
  return startAppProcess('workers/main.ts', /"msg":"workers running"/, { ...metrics, ...env, STRIPE_API_BASE: stripeApiBase }, readyTimeoutMs);
}

export interface WorkerProcessesOptions {
  /** The suite's own carrier sandbox (started in its `before`), for the workers to buy labels from. */
  carrier?: () => RunningCarrierSandbox;
  /** Where the workers' Stripe client sends requests; the test stack's Stripe sandbox unless said. */
  stripeApiBase?: () => string;
}

/** The worker processes of a fault spec: the only ones serving the task queues, killed and replaced as its scenario says. */
export interface WorkerProcesses {
  /** Starts another worker process (workers/main.ts) and resolves once it polls. */
  start(): Promise<WorkerProcess>;
  /** The worker started last when it still runs (a previous test's replacement), or a new one. */
  running(): Promise<WorkerProcess>;
  /** The worker started last: whose output a failure message shows. */
  last(): WorkerProcess;
  /** SIGKILLs the worker started last. */
  killLast(): Promise<void>;
  /** SIGKILLs every worker still running. */
  killRunning(): Promise<void>;
  /** Stops every worker started (for the spec's `after`). */
  stopAll(): Promise<void>;
}

export function workerProcesses({ carrier, stripeApiBase = () => testConfig().stripe.apiBase! }: WorkerProcessesOptions = {}): WorkerProcesses {
  const processes: WorkerProcess[] = [];
  const last = () => {
    const worker = processes.at(-1);
    if (!worker) throw new Error('no worker process started yet');
    return worker;
  };
  const start = async () => {
    const sandbox = carrier?.();
    const worker = await startWorkerProcess({
      stripeApiBase: stripeApiBase(),
      ...(sandbox && { env: { CARRIER_API_BASE: sandbox.url, EASYPOST_API_KEY: CARRIER_TEST_KEY, CARRIER_WEBHOOK_SECRET: CARRIER_TEST_WEBHOOK_SECRET } }),
    });
    processes.push(worker);
    return worker;
  };
  return {
    start,
    running: async () => {
      const worker = processes.at(-1);
      return worker?.running() ? worker : start();
    },
    last,
    killLast: () => last().kill(),
    killRunning: async () => {
      await Promise.all(processes.filter((p) => p.running()).map((p) => p.kill()));
    },
    stopAll: async () => {
      await Promise.all(processes.map((p) => p.stop()));
    },
  };
}

/** The real API entry point (api/main.ts) in a process of its own, listening on `port`. */
export function startApiProcess(port: number, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  return startAppProcess('api/main.ts', /"msg":"api listening"/, { API_PORT: String(port), API_HOST: '127.0.0.1' }, readyTimeoutMs);
}

/** An entry point of the app in its own process, against the test stack; resolves once it logs `ready`. */
async function startAppProcess(entry: string, ready: RegExp, env: NodeJS.ProcessEnv, readyTimeoutMs: number): Promise<WorkerProcess> {
  const config = testConfig();
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      // The line this helper waits for is logged at info.
      LOG_LEVEL: 'info',
      DATABASE_URL: config.postgres.url,
      REDIS_URL: config.redis.url,
      ELASTICSEARCH_URL: config.elasticsearch.url,
      ELASTICSEARCH_INDEX_PREFIX: config.elasticsearch.indexPrefix,
      TEMPORAL_ADDRESS: testStack().temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  child.on('error', (error) => append(Buffer.from(`spawn error: ${String(error)}\n`)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${entry} not running after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
      const onData = () => {
        if (!ready.test(output)) return;
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve();
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${entry} exited (${code ?? signal}) before it was running:\n${output}`));
      });
    });
  } catch (error) {
    await killAndWait(child, exited);
    throw error;
  }

  return {
    pid: child.pid!,
    running: () => child.exitCode === null && child.signalCode === null,
    output: () => output,
    kill: () => killAndWait(child, exited),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!graceful) await killAndWait(child, exited);
    },
  };
}

async function killAndWait(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await exited;
}
