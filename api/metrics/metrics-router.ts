import { Router } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { AppDeps } from '../app-deps';
import { businessMetrics } from './business-metrics';
import { httpMetrics } from './http-metrics';
import { operationalLags } from './operational-lags';
import { ordersStuck } from './orders-stuck';

/**
 * The API's Prometheus metrics. Each app has its own registry, so two apps in one process (tests)
 * never count into each other. Labels carry no customer data: no email, no ids.
 */
export function createApiMetrics({ db, temporal, logger }: Pick<AppDeps, 'db' | 'temporal' | 'logger'>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  operationalLags(registry, db);
  ordersStuck(registry, { db, temporal, logger });
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
  return { registry, countRequests: httpMetrics(registry), business: businessMetrics(registry), router };
}
