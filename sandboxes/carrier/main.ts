import pino from 'pino';
import { createCarrierSandbox } from './create-carrier-sandbox';

/**
 * The carrier sandbox as a service of the local stack (scripts/stack.sh starts it). It stands for
 * a third party (EasyPost), so it reads its own environment and shares no code with the application.
 */
const env = process.env;
const logger = pino({ name: 'carrier-sandbox', level: env.LOG_LEVEL ?? 'info' });
const number = (name: string, fallback: number): number => (env[name] ? Number(env[name]) : fallback);

const { app } = createCarrierSandbox({
  webhookSecret: env.CARRIER_WEBHOOK_SECRET || 'carrier-sandbox-webhook-secret',
  webhookUrl: env.CARRIER_SANDBOX_WEBHOOK_URL || undefined,
  journalPath: env.CARRIER_SANDBOX_JOURNAL || undefined,
  stepMs: number('CARRIER_SANDBOX_STEP_MS', 2 * 60_000),
  webhookAttempts: number('CARRIER_SANDBOX_WEBHOOK_ATTEMPTS', 8),
  webhookFirstRetryMs: number('CARRIER_SANDBOX_WEBHOOK_RETRY_MS', 1_000),
  log: (message, fields) => logger.warn(fields, message),
});
const host = env.CARRIER_SANDBOX_HOST ?? '127.0.0.1';
const port = number('CARRIER_SANDBOX_PORT', 12115);
app.listen(port, host, () => logger.info({ url: `http://${host}:${port}` }, 'carrier sandbox listening'));
