import { once } from 'node:events';
import { createDb } from '../db/create-db';
import { loadConfig } from '../platform/config';
import { createElasticsearch } from '../platform/create-elasticsearch';
import { createRedis, redisReady } from '../platform/create-redis';
import { createStripe } from '../platform/create-stripe';
import { createTemporalClient } from '../platform/temporal/create-temporal-client';
import { createLogger } from '../platform/logger';
import { searchIndices } from '../platform/search-indices';
import { createApp } from './create-app';
import { createHttpServer } from './http/http-server';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ serviceName: `${config.serviceName}-api`, level: config.logLevel });
  const db = createDb({
    url: config.postgres.url,
    poolSize: config.postgres.poolSize,
    applicationName: 'api',
    onConnectionLost: (err) => logger.warn({ err }, 'postgres ended a pooled connection; the next query reconnects'),
  });
  const redis = createRedis(config.redis);
  redis.on('error', (err) => logger.warn({ err }, 'redis connection error; carts answer 503 until it is back'));
  const es = createElasticsearch(config.elasticsearch);
  const temporal = await createTemporalClient(config);

  if (!(await redisReady(redis))) logger.warn('redis is not reachable yet: carts answer 503 until it is');
  const app = createApp({ config, logger, db, redis, es, temporal, indices: searchIndices(config.elasticsearch.indexPrefix), stripe: createStripe(config) });
  const server = createHttpServer(app).listen(config.api.port, config.api.host);
  await once(server, 'listening');
  logger.info({ url: `http://${config.api.host}:${config.api.port}` }, 'api listening');

  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('grace period over, closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    server.close();
    server.closeIdleConnections();
    await once(server, 'close');
    clearTimeout(force);
    await Promise.allSettled([db.destroy(), redis.quit(), es.close(), temporal.connection.close()]);
    logger.info('api stopped');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void shutdown(signal));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
