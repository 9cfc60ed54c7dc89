// The checkout benchmark's API, in its own process as api/main.ts runs it: the real app, plus the
// skeleton checkout's route POST /bench/skeleton-checkout. Prints {port} on stdout once listening.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import express from 'express';
import { pinoHttp } from 'pino-http';
import { ApiRouter } from '../../api/http/api-router';
import { createApp } from '../../api/create-app';
import { checkoutBody } from '../../api/orders/order-schemas';
import { problemHandler } from '../../api/http/problem';
import { checkoutInput, startCheckoutOperation } from '../../api/orders/checkout-start';
import { createDb } from '../../db/create-db';
import { loadConfig } from '../../platform/config';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis, redisReady } from '../../platform/create-redis';
import { createStripe } from '../../platform/create-stripe';
import { createTemporalClient } from '../../platform/temporal/create-temporal-client';
import { createLogger } from '../../platform/logger';
import { searchIndices } from '../../platform/search-indices';
import { submitCheckoutUpdate, type CheckoutResult } from '../../workflows/order/order.messages';
import { checkoutSkeletonWorkflowType, skeletonTaskQueues } from './checkout-skeleton.messages';
import type { checkoutSkeleton } from './checkout-skeleton-workflow';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ serviceName: 'bench-api', level: 'silent' });
  const redis = createRedis(config.redis);
  await redisReady(redis);
  const temporal = await createTemporalClient(config);
  const app = createApp({
    config,
    logger,
    db: createDb({ url: config.postgres.url, poolSize: config.postgres.poolSize, applicationName: 'bench-api' }),
    redis,
    es: createElasticsearch(config.elasticsearch),
    temporal,
    indices: searchIndices(config.elasticsearch.indexPrefix),
    stripe: createStripe(config),
  });
  const server = express();
  server.disable('x-powered-by');
  const bench = express.Router();
  bench.use(pinoHttp({ logger }));
  bench.use(express.json({ limit: '256kb' }), skeletonRoute(config.auth, temporal).router, problemHandler);
  server.use('/bench', bench);
  server.use(app);
  const listener = server.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  process.stdout.write(`${JSON.stringify({ port: (listener.address() as AddressInfo).port })}\n`);
}

/**
 * POST /bench/skeleton-checkout: what POST /checkout does (api/routes/checkout-routes.ts), through
 * the same router (token check, body schema), with the same ids, hash, search attributes, memo
 * and summaries, but starting the skeleton workflow on the skeleton's queues.
 */
function skeletonRoute(tokens: { jwtSecret: string; issuer: string }, temporal: Client): ApiRouter {
  const api = new ApiRouter({ secret: tokens.jwtSecret, issuer: tokens.issuer });
  return api.route(
    {
      method: 'post',
      path: '/skeleton-checkout',
      operationId: 'benchSkeletonCheckout',
      summary: 'Benchmark only: the checkout skeleton',
      tag: 'Bench',
      roles: ['customer'],
      body: checkoutBody,
      responses: { 201: { description: 'Confirmed' } },
    },
    async ({ body, principal, req, res }) => {
      const key = req.get('idempotency-key');
      if (!key) throw new Error('no Idempotency-Key');
      const input = checkoutInput(principal!.subject, key, body);
      const start = startCheckoutOperation<typeof checkoutSkeleton>(checkoutSkeletonWorkflowType, skeletonTaskQueues.orders, input);
      const result: CheckoutResult = await temporal.workflow.executeUpdateWithStart(submitCheckoutUpdate, { args: [input.requestHash], startWorkflowOperation: start });
      res.status(result.status === 'confirmed' ? 201 : 500).location(`/orders/${result.orderId}`).json(result);
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
