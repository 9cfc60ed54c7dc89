import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { createEmailSender } from '../activities/notifications/create-email-sender';
import { createDb } from '../db/create-db';
import { applyInventoryAlertSettings } from '../db/low-stock';
import { loadConfig } from '../platform/config';
import { createEasyPost } from '../platform/create-easypost';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { createRedis, redisReady } from '../platform/create-redis';
import { createStripe } from '../platform/create-stripe';
import { createLogger } from '../platform/logger';
import { searchIndices } from '../platform/search-indices';
import { prometheusTelemetry } from '../platform/temporal/metrics-telemetry';
import { PinoTemporalLogger } from '../platform/temporal/temporal-logger';
import { createWorkers } from './create-workers';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ serviceName: `${config.serviceName}-worker`, level: config.logLevel });
  // SIGINT/SIGTERM make the runtime shut workers down gracefully: running tasks finish first.
  Runtime.install({
    logger: new PinoTemporalLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      metrics: prometheusTelemetry(config.temporal.workerMetricsAddress),
    },
  });

  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const db = createDb({
    url: config.postgres.url,
    poolSize: config.postgres.poolSize,
    applicationName: 'worker',
    onConnectionLost: (err) => logger.warn({ err }, 'postgres ended a pooled connection; the next query reconnects'),
  });
  // Every stock move runs here, and the low-stock trigger reads these from the database. A worker
  // started while PostgreSQL is away still starts: the previous settings hold until it is back.
  void applyAlertSettingsOnceReachable();
  async function applyAlertSettingsOnceReachable(): Promise<void> {
    for (;;) {
      try {
        await applyInventoryAlertSettings(db, config.inventoryAlerts);
        return;
      } catch (err) {
        logger.warn({ err }, 'could not write the low-stock alert settings yet; retrying in 5 s');
        await new Promise((resolve) => setTimeout(resolve, 5_000).unref());
      }
    }
  }
  const es = createElasticsearch(config.elasticsearch);
  const redis = createRedis(config.redis);
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error; cache invalidations retry until it is back'));
  if (!(await redisReady(redis))) logger.warn('redis is not reachable yet: cache invalidations retry until it is');
  const email = createEmailSender(config.email);
  if (!email.transport) logger.warn('SMTP_URL is not set: emails wait in the outbox until it is');
  try {
    const workers = await createWorkers({
      connection,
      namespace: config.temporal.namespace,
      db,
      es,
      redis,
      stripe: createStripe(config),
      indices: searchIndices(config.elasticsearch.indexPrefix),
      ...(config.carrier && { easypost: createEasyPost(config.carrier) }),
      email,
    });
    logger.info(
      { taskQueues: workers.map((w) => w.options.taskQueue), temporal: config.temporal.address, metrics: `http://${config.temporal.workerMetricsAddress}/metrics`, smtp: email.transport ? new URL(config.email.smtpUrl!).host : 'not configured' },
      'workers running',
    );
    await Promise.all(workers.map((worker) => worker.run()));
    logger.info('workers stopped');
  } finally {
    email.transport?.close();
    await Promise.allSettled([db.destroy(), es.close(), redis.quit(), connection.close()]);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
