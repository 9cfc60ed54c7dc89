import type { RequestHandler, Response } from 'express';
import { Counter, Histogram, type Registry } from 'prom-client';

const ROUTE_LABEL = 'metricsRoute';

/**
 * Counts what a router serves without an Express route of its own (static files under a mount)
 * under this template instead of `unmatched`.
 */
export const countAsRoute =
  (template: string): RequestHandler =>
  (_req, res, next) => {
    res.locals[ROUTE_LABEL] = template;
    next();
  };

const labelled = (res: Response): string | undefined => (typeof res.locals[ROUTE_LABEL] === 'string' ? (res.locals[ROUTE_LABEL] as string) : undefined);

/**
 * Rate, errors and duration of every answer, labelled by the route's template (`/orders/:orderId`),
 * never by its path: a label per order id would leak customer data and grow without bound.
 */
export function httpMetrics(registry: Registry): RequestHandler {
  const labelNames = ['method', 'route', 'status_class'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route template and status class', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by route template',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const stop = duration.startTimer();
    res.once('finish', () => {
      const template = labelled(res) ?? (req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched');
      const labels = { method: req.method, route: template, status_class: `${Math.floor(res.statusCode / 100)}xx` };
      requests.inc(labels);
      stop(labels);
    });
    next();
  };
}
