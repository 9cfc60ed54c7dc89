import { z } from 'zod';

const url = z.url();
const port = z.coerce.number().int().min(1).max(65535);
/** Unset or empty (docker compose passes `${VAR:-}` through as ''). */
const blankable = <T extends z.ZodType<string>>(schema: T) => z.union([z.literal(''), schema]).optional().transform((value) => value || undefined);
/** A Temporal duration as people write it: a number and a unit. */
const durationPattern = /^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i;

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  SERVICE_NAME: z.string().min(1).default('order-fulfillment'),

  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port.default(3000),

  DATABASE_URL: url,
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: url,
  ELASTICSEARCH_URL: url,
  ELASTICSEARCH_INDEX_PREFIX: z.string().regex(/^[a-z0-9_-]*$/).default(''),

  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE_PREFIX: z.string().default(''),
  // Where the worker serves its Prometheus metrics (GET /metrics): the SDK's and the business counters.
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').default('127.0.0.1:9464'),
  // The Temporal Web UI people open from the support console's links to an order's workflows.
  TEMPORAL_UI_URL: url.default('http://127.0.0.1:8233'),

  STRIPE_API_KEY: z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'a Stripe secret key (sk_test_...)'),
  STRIPE_API_BASE: url.optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_'),

  // EasyPost, or the carrier sandbox speaking its API: without a key, shipping has no carrier to buy labels from.
  EASYPOST_API_KEY: blankable(z.string()),
  CARRIER_API_BASE: blankable(url),
  CARRIER_WEBHOOK_SECRET: blankable(z.string()),
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),

  // How long after delivery an order started by this API may be returned before it closes: a
  // Temporal duration ('30 days', '45 seconds', '2m'). Unset: the order workflow's 30 days.
  // Shortened for demos and benchmarks on the dev stack.
  ORDER_RETURN_WINDOW: blankable(z.string().regex(durationPattern, "a duration such as '30 days' or '45 seconds'")),

  // Returns: approved at once below this amount (minor units) unless risk flagged the order; otherwise
  // support decides within RETURN_APPROVAL_TIMEOUT. An unused return label is voided after RETURN_LABEL_VALIDITY.
  RETURN_AUTO_APPROVE_BELOW: z.coerce.number().int().min(0).default(10_000),
  RETURN_APPROVAL_TIMEOUT: z.string().regex(durationPattern, "a duration such as '3 days'").default('3 days'),
  RETURN_LABEL_VALIDITY: z.string().regex(durationPattern, "a duration such as '14 days'").default('14 days'),
  RETURN_SUPPORT_EMAIL: z.email().default('support@example.com'),

  // Refunds above this many minor units wait for an admin's approval, for at most the deadline (a Temporal duration).
  REFUND_APPROVAL_THRESHOLD: z.coerce.number().int().min(0).default(50_000),
  REFUND_APPROVAL_DEADLINE: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i, "a duration such as '48 hours'")
    .default('48 hours'),

  // Requests a minute per caller: a customer at checkout, an agent acting, an address posting webhooks.
  RATE_LIMIT_CHECKOUT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_SUPPORT_ACTIONS_PER_MINUTE: z.coerce.number().int().min(1).default(120),

  // Low-stock alerts: the threshold of every SKU and warehouse without its own, and who hears of a crossing.
  LOW_STOCK_DEFAULT_THRESHOLD: blankable(z.string().regex(/^\d{1,7}$/, 'a whole number of units')),
  OPS_ALERT_EMAIL: blankable(z.email()),
  // Where the email sender delivers (smtp:// or smtps://, credentials in the URL). Unset: emails wait in the outbox.
  SMTP_URL: blankable(z.url({ protocol: /^smtps?$/ })),
  // The From of every email: an address, or a display name and an address ('Shop <orders@shop.example>').
  EMAIL_FROM: z.string().regex(/^([^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, "an address, or 'Name <address>'").default('Order Fulfillment <orders@shop.example>'),
  // A notification is marked failed after this many attempts; support can retry it.
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  // The wait after a failed attempt doubles from the first to at most the second.
  EMAIL_RETRY_INITIAL_SECONDS: z.coerce.number().min(0.05).max(3600).default(30),
  EMAIL_RETRY_MAX_SECONDS: z.coerce.number().min(0.05).max(86_400).default(3600),

  JWT_SECRET: z.string().min(32, 'at least 32 characters'),
  JWT_ISSUER: z.string().min(1).default('order-fulfillment'),
});

export type Env = z.input<typeof schema>;

export interface Config {
  env: 'development' | 'test' | 'production';
  serviceName: string;
  logLevel: string;
  api: { host: string; port: number };
  postgres: { url: string; poolSize: number };
  redis: { url: string };
  elasticsearch: { url: string; indexPrefix: string };
  temporal: { address: string; namespace: string; taskQueuePrefix: string; workerMetricsAddress: string; uiUrl: string };
  stripe: { apiKey: string; apiBase?: string; webhookSecret: string };
  /** EasyPost's API (CARRIER_API_BASE is its origin; unset, EasyPost itself). Absent without EASYPOST_API_KEY. */
  carrier?: { apiKey: string; apiBase?: string; webhookSecret?: string; timeoutMs: number };
  auth: { jwtSecret: string; issuer: string };
  /** Requests a minute per caller on the limited routes (RouteSpec.rateLimit). */
  rateLimits: { checkout: number; webhooks: number; 'support-actions': number };
  /** What the API puts into every order it starts; unset fields leave the workflow's defaults. */
  orders: { returnWindow?: string; refundApproval?: { threshold: number; deadline: string } };
  /** What the API puts into every return it starts (durations as Temporal writes them). */
  returns: { autoApproveBelow: number; approvalTimeout: string; labelValidity: string; supportEmail: string };
  /** Low-stock alerts (written to inventory_alert_settings at startup, where the database's trigger reads them). */
  inventoryAlerts: { defaultLowStockThreshold: number; opsAlertEmail: string };
  email: EmailConfig;
}

/** How the outbox's emails go out. */
export interface EmailConfig {
  /** Absent: nothing is sent, and the outbox lag says so. */
  smtpUrl?: string;
  from: string;
  maxAttempts: number;
  /** The wait after the n-th failed attempt: initial·2^(n-1), at most max. */
  retry: { initialMs: number; maxMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment once; everything else receives the result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    serviceName: e.SERVICE_NAME,
    logLevel: e.LOG_LEVEL,
    api: { host: e.API_HOST, port: e.API_PORT },
    postgres: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL },
    elasticsearch: { url: e.ELASTICSEARCH_URL, indexPrefix: e.ELASTICSEARCH_INDEX_PREFIX },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueuePrefix: e.TEMPORAL_TASK_QUEUE_PREFIX,
      workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
      uiUrl: e.TEMPORAL_UI_URL.replace(/\/+$/, ''),
    },
    stripe: { apiKey: e.STRIPE_API_KEY, apiBase: e.STRIPE_API_BASE, webhookSecret: e.STRIPE_WEBHOOK_SECRET },
    ...(e.EASYPOST_API_KEY && {
      carrier: { apiKey: e.EASYPOST_API_KEY, apiBase: e.CARRIER_API_BASE, webhookSecret: e.CARRIER_WEBHOOK_SECRET, timeoutMs: e.CARRIER_TIMEOUT_MS },
    }),
    auth: { jwtSecret: e.JWT_SECRET, issuer: e.JWT_ISSUER },
    rateLimits: { checkout: e.RATE_LIMIT_CHECKOUT_PER_MINUTE, webhooks: e.RATE_LIMIT_WEBHOOKS_PER_MINUTE, 'support-actions': e.RATE_LIMIT_SUPPORT_ACTIONS_PER_MINUTE },
    orders: { returnWindow: e.ORDER_RETURN_WINDOW, refundApproval: { threshold: e.REFUND_APPROVAL_THRESHOLD, deadline: e.REFUND_APPROVAL_DEADLINE } },
    inventoryAlerts: { defaultLowStockThreshold: Number(e.LOW_STOCK_DEFAULT_THRESHOLD ?? 10), opsAlertEmail: e.OPS_ALERT_EMAIL ?? 'ops@example.com' },
    email: {
      smtpUrl: e.SMTP_URL,
      from: e.EMAIL_FROM,
      maxAttempts: e.EMAIL_MAX_ATTEMPTS,
      retry: { initialMs: e.EMAIL_RETRY_INITIAL_SECONDS * 1000, maxMs: Math.max(e.EMAIL_RETRY_INITIAL_SECONDS, e.EMAIL_RETRY_MAX_SECONDS) * 1000 },
    },
    returns: { autoApproveBelow: e.RETURN_AUTO_APPROVE_BELOW, approvalTimeout: e.RETURN_APPROVAL_TIMEOUT, labelValidity: e.RETURN_LABEL_VALIDITY, supportEmail: e.RETURN_SUPPORT_EMAIL },
  };
}
