// The checkout benchmark's workers, in their own process as workers/main.ts runs them: the real
// workers (createWorkers, real activities) and the skeleton checkout's workers on their own queues.
// Talks to its parent on stdout, one JSON object per line: first {ready}, then
// {indexed: 'real' | 'skeleton', orderId, at} each time an order's indexOrder activity finished.
import { createEmailSender } from '../../activities/notifications/create-email-sender';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import { createDb } from '../../db/create-db';
import { loadConfig } from '../../platform/config';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis, redisReady } from '../../platform/create-redis';
import { createEasyPost } from '../../platform/create-easypost';
import { createStripe } from '../../platform/create-stripe';
import { searchIndices } from '../../platform/search-indices';
import { createActivities } from '../../workers/create-activities';
import { createWorkers } from '../../workers/create-workers';
import { createSkeletonActivities } from './checkout-skeleton-activities';
import { skeletonTaskQueues } from './checkout-skeleton.messages';

const tell = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
/** Epoch milliseconds with sub-millisecond precision, comparable with the parent's. */
const now = () => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const config = loadConfig();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const deps = {
    db: createDb({ url: config.postgres.url, poolSize: config.postgres.poolSize, applicationName: 'bench-worker' }),
    redis: createRedis(config.redis),
    es: createElasticsearch(config.elasticsearch),
    stripe: createStripe(config),
    indices: searchIndices(config.elasticsearch.indexPrefix),
    // As workers/main.ts: parcels buy labels from the carrier when one is configured (bench:fulfillment's sandbox).
    ...(config.carrier && { easypost: createEasyPost(config.carrier) }),
    // As workers/main.ts: the orders' emails go to the stack's Mailpit.
    email: createEmailSender(config.email),
  };
  await redisReady(deps.redis);
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const quiet = new DefaultLogger('WARN');
  const realBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quiet });
  const skeletonBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./checkout-skeleton-workflow'), logger: quiet });

  // The real indexOrder, timed: when it returns, the order's search document exists.
  const real = createActivities(deps);
  const workers = await createWorkers({
    connection,
    namespace: config.temporal.namespace,
    ...deps,
    workflows: { workflowBundle: realBundle },
    activityOverrides: {
      indexOrder: async (orderId: string) => {
        const outcome = await real.search.indexOrder(orderId);
        tell({ indexed: 'real', orderId, at: now() });
        return outcome;
      },
    },
  });
  const skeleton = createSkeletonActivities({ onIndexed: (orderId) => tell({ indexed: 'skeleton', orderId, at: now() }) });
  const skeletonWorker = (taskQueue: string, options: { maxConcurrentActivityTaskExecutions?: number } = {}) =>
    Worker.create({ connection, namespace: config.temporal.namespace, taskQueue, workflowBundle: skeletonBundle, activities: skeleton, ...options });
  // The same layout as createWorkers, search included with its concurrency cap.
  workers.push(
    await skeletonWorker(skeletonTaskQueues.orders),
    await skeletonWorker(skeletonTaskQueues.inventory),
    await skeletonWorker(skeletonTaskQueues.search, { maxConcurrentActivityTaskExecutions: 8 }),
  );
  const running = workers.map((worker) => worker.run());
  tell({ ready: true });
  // The runtime turns SIGTERM into a graceful shutdown of every worker; then the process is done.
  await Promise.allSettled(running);
  await Promise.allSettled([deps.db.destroy(), deps.es.close(), deps.redis.quit(), connection.close()]);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
