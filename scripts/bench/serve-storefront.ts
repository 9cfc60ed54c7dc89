// The benchmark's servers, in their own process so the load generator does not share their
// event loop: the real API (createApp on real clients) and a bare Express hello-world.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp } from '../../api/create-app';
import { createDb } from '../../db/create-db';
import { loadConfig } from '../../platform/config';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis } from '../../platform/create-redis';
import { createStripe } from '../../platform/create-stripe';
import { createTemporalClient } from '../../platform/temporal/create-temporal-client';
import { createLogger } from '../../platform/logger';
import { searchIndices } from '../../platform/search-indices';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = createApp({
    config,
    logger: createLogger({ serviceName: 'bench-api', level: 'silent' }),
    db: createDb({ url: config.postgres.url, poolSize: 20, applicationName: 'bench-api' }),
    redis: createRedis(config.redis),
    es: createElasticsearch(config.elasticsearch),
    temporal: await createTemporalClient(config),
    indices: searchIndices(config.elasticsearch.indexPrefix),
    stripe: createStripe(config),
  });
  const hello = express();
  hello.disable('x-powered-by');
  hello.get('/hello', (_req, res) => {
    res.json({ hello: 'world' });
  });

  const servers = [app.listen(0, '127.0.0.1'), hello.listen(0, '127.0.0.1')];
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const [apiPort, helloPort] = servers.map((server) => (server.address() as AddressInfo).port);
  process.stdout.write(`${JSON.stringify({ apiPort, helloPort })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
