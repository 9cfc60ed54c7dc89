import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database';
import { startCarrierSandbox, CARRIER_TEST_KEY, CARRIER_TEST_WEBHOOK_SECRET, type RunningCarrierSandbox } from './carrier-sandbox';
import { createTestApp, type TestApp } from './test-app';
import { testConfig } from './test-stack';
import { runTestWorkers, type RunningTestWorkers } from './test-workers';

export interface ParcelStack {
  db: Kysely<Database>;
  sandbox: RunningCarrierSandbox;
  t: TestApp;
  workers: RunningTestWorkers;
  stop(): Promise<void>;
}

/**
 * What a parcel needs: the carrier sandbox in-process, the real workers buying labels from it,
 * and the real API listening on a port, registered as the sandbox's webhook so its signed
 * tracking events come in as they would from EasyPost.
 */
export async function startParcelStack(): Promise<ParcelStack> {
  const sandbox = await startCarrierSandbox();
  const config = testConfig();
  const t = createTestApp({ config: { ...config, carrier: { apiKey: CARRIER_TEST_KEY, apiBase: sandbox.url, webhookSecret: CARRIER_TEST_WEBHOOK_SECRET, timeoutMs: 2_000 } } });
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await sandbox.client().Webhook.create({ url: `${apiUrl}/webhooks/carrier` });
  const workers = await runTestWorkers({ easypost: sandbox.client(2_000) });
  return {
    db: t.deps.db,
    sandbox,
    t,
    workers,
    stop: async () => {
      await workers.stop();
      await sandbox.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
