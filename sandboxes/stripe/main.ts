import pino from 'pino';
import { createStripeSandbox } from './create-stripe-sandbox';

/**
 * The Stripe sandbox as a service of the local stack (scripts/stack.sh starts it in front of
 * stripe-mock). It stands for a third party, so it reads its own environment and shares no
 * code with the application.
 */
const env = process.env;
const logger = pino({ name: 'stripe-sandbox', level: env.LOG_LEVEL ?? 'info' });
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
};
const number = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);

async function main(): Promise<void> {
  const app = await createStripeSandbox({
    stripeMockUrl: required('STRIPE_MOCK_URL'),
    webhookSecret: required('STRIPE_WEBHOOK_SECRET'),
    webhookUrl: env.STRIPE_SANDBOX_WEBHOOK_URL || undefined,
    journalPath: env.STRIPE_SANDBOX_JOURNAL || undefined,
    authorizationTtlS: number('STRIPE_SANDBOX_AUTHORIZATION_TTL_S', 7 * 24 * 3600),
    refundFailureDelayMs: number('STRIPE_SANDBOX_REFUND_FAILURE_DELAY_MS', 2_000),
    webhookAttempts: number('STRIPE_SANDBOX_WEBHOOK_ATTEMPTS', 8),
    webhookFirstRetryMs: number('STRIPE_SANDBOX_WEBHOOK_RETRY_MS', 1_000),
    log: (message, fields) => logger.warn(fields, message),
  });
  const host = env.STRIPE_SANDBOX_HOST ?? '127.0.0.1';
  const port = number('STRIPE_SANDBOX_PORT', 12113);
  app.listen(port, host, () => logger.info({ url: `http://${host}:${port}` }, 'stripe sandbox listening'));
}

main().catch((error: unknown) => {
  logger.error({ err: error }, 'stripe sandbox failed to start');
  process.exit(1);
});
