import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { consoleRouter } from './console/console-router';
import { ApiRouter } from './http/api-router';
import type { AppDeps } from './app-deps';
import { notFoundHandler, problemHandler } from './http/problem';
import { createRateLimiters } from './http/rate-limits';
import { securityHeaders } from './http/security-headers';
import { createApiMetrics } from './metrics/metrics-router';
import { createOrderClient } from './orders/order-client';
import { docsRouter } from './routes/docs-routes';
import { carrierWebhookRoutes } from './routes/carrier-webhook-routes';
import { cartRoutes } from './routes/cart-routes';
import { catalogRoutes } from './routes/catalog-routes';
import { checkoutRoutes } from './routes/checkout-routes';
import { healthRoutes } from './routes/health-routes';
import { productRoutes } from './routes/product-routes';
import { backInStockRoutes } from './routes/back-in-stock-routes';
import { lowStockRoutes } from './routes/low-stock-routes';
import { receiptRoutes } from './routes/receipt-routes';
import { shipmentRoutes } from './routes/shipment-routes';
import { createParcelClient } from './shipments/parcel-client';
import { stripeWebhookRoutes } from './routes/stripe-webhook-routes';
import { supportNotificationRoutes } from './routes/support-notification-routes';
import { supportConsoleRoutes } from './routes/support-console-routes';
import { supportOrderRoutes } from './routes/support-order-routes';
import { warehouseRoutes } from './routes/warehouse-routes';
import { returnRoutes } from './routes/return-routes';

declare module 'express-serve-static-core' {
  interface Request {
    /** The body's bytes as received, for signature checks. */
    rawBody?: Buffer;
  }
}

const REQUEST_ID = /^[\w.-]{1,100}$/;

/** The Express app without listen(): main.ts serves it, tests drive it directly. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createApiMetrics(deps);
  app.use(metrics.countRequests);
  app.use(securityHeaders());

  app.use(
    pinoHttp({
      logger: deps.logger,
      // A caller's X-Request-Id is kept so one id follows a request across services.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
    }),
  );
  app.use(
    express.json({
      limit: '256kb',
      // Webhook signatures are computed over the exact bytes received, not over re-serialised JSON.
      verify: (req, _res, buffer) => {
        (req as express.Request).rawBody = buffer;
      },
    }),
  );

  const rateLimiters = deps.config.rateLimits && createRateLimiters({ redis: deps.redis, budgets: deps.config.rateLimits, logger: deps.logger });
  const api = new ApiRouter({ secret: deps.config.auth.jwtSecret, issuer: deps.config.auth.issuer }, rateLimiters);
  healthRoutes(api, deps);
  receiptRoutes(api, deps);
  lowStockRoutes(api, deps);
  catalogRoutes(api, deps);
  productRoutes(api, deps);
  backInStockRoutes(api, deps);
  cartRoutes(api, deps);
  const orders = createOrderClient(deps.temporal, deps.config.orders);
  checkoutRoutes(api, deps, orders, metrics.business);
  supportOrderRoutes(api, deps, orders);
  supportNotificationRoutes(api, deps);
  supportConsoleRoutes(api, deps);
  warehouseRoutes(api, deps);
  returnRoutes(api, deps);
  shipmentRoutes(api, createParcelClient(deps.temporal));
  stripeWebhookRoutes(api, deps, metrics.business);
  carrierWebhookRoutes(api, deps, metrics.business);

  app.use(metrics.router);
  app.use(docsRouter(() => api.routes, '0.1.0'));
  app.use(consoleRouter({ temporalUi: { url: deps.config.temporal.uiUrl, namespace: deps.config.temporal.namespace } }));
  app.use(api.router);
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
