import { Router } from 'express';
import type { Kysely } from 'kysely';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Database } from '../../db/database';
import { httpMetrics } from './http-metrics';
import { operationalLags } from './operational-lags';

/**
 * The API's Prometheus metrics. Each app has its own registry, so two apps in one process (tests)
 * never count into each other. Labels carry no customer data: no email, no ids.
 */
export function createApiMetrics(db: Kysely<Database>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  operationalLags(registry, db);
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.setHeader('Content-Type', registry.contentType);
      res.end(body);
    } catch (error) {
      next(error);
    }
  });
  return { registry, countRequests: httpMetrics(registry), router };
}
