import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEasyPost, type EasyPost } from '../../platform/create-easypost';
import { createCarrierSandbox, type CarrierSandboxOptions } from '../../sandboxes/carrier/create-carrier-sandbox';
import type { Fault } from '../../sandboxes/carrier/faults';
import type { RecordedRequest, RequestFilter } from '../../sandboxes/carrier/request-log';
import type { Delivery, WebhookFault } from '../../sandboxes/carrier/webhooks';

export const CARRIER_TEST_KEY = 'EZTK_sandbox_test_key';
export const CARRIER_TEST_WEBHOOK_SECRET = 'carrier-test-webhook-secret';

/**
 * The carrier sandbox (sandboxes/carrier) started in-process on a free port, and its control API
 * as tests use it. Each suite starts its own: it is not part of the shared test stack.
 */
export interface RunningCarrierSandbox {
  /** The API base the app is configured with (CARRIER_API_BASE). */
  readonly url: string;
  /** The official client pointed at the sandbox, with a request timeout it really applies. */
  client(timeoutMs?: number): EasyPost;
  labels(reference: string): Promise<number>;
  /** Every label bought under a reference, with its refund as it stands (null: never voided). */
  labelPurchases(reference: string): Promise<Array<{ shipment_id: string; tracking_code: string; refund_status: 'submitted' | 'refunded' | 'rejected' | null }>>;
  fault(fault: Omit<Fault, 'times'> & { times?: number }): Promise<void>;
  webhookFault(fault: Omit<WebhookFault, 'times'> & { times?: number }): Promise<void>;
  clearFaults(): Promise<void>;
  requests(filter?: RequestFilter): Promise<RecordedRequest[]>;
  webhookDeliveries(filter?: { reference?: string; description?: string }): Promise<Delivery[]>;
  outcome(shipmentIdOrReference: string, outcome: 'delivered' | 'failure' | 'return_to_sender'): Promise<void>;
  advance(shipmentIdOrReference: string): Promise<{ status: string }>;
  stop(): Promise<void>;
}


export async function startCarrierSandbox(options: Partial<CarrierSandboxOptions> = {}): Promise<RunningCarrierSandbox> {
  const sandbox = createCarrierSandbox({ webhookSecret: CARRIER_TEST_WEBHOOK_SECRET, stepMs: 50, webhookAttempts: 3, webhookFirstRetryMs: 50, log: () => undefined, ...options });
  const server = http.createServer(sandbox.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(path, url), { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    if (!response.ok) throw new Error(`${method} ${path}: the carrier sandbox answered ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  };
  const query = (filter: object) => new URLSearchParams(Object.entries(filter).filter((entry): entry is [string, string] => typeof entry[1] === 'string')).toString();
  return {
    url,
    client: (timeoutMs = 10_000) => createEasyPost({ apiKey: CARRIER_TEST_KEY, apiBase: url, timeoutMs }),
    labels: async (reference) => (await call<{ count: number }>('GET', `/_sandbox/labels?reference=${encodeURIComponent(reference)}`)).count,
    labelPurchases: async (reference) => (await call<{ data: Awaited<ReturnType<RunningCarrierSandbox['labelPurchases']>> }>('GET', `/_sandbox/labels?reference=${encodeURIComponent(reference)}`)).data,
    fault: (fault) => call('POST', '/_sandbox/faults', { times: 1, ...fault }),
    webhookFault: (fault) => call('POST', '/_sandbox/webhook-faults', { times: 1, ...fault }),
    clearFaults: () => call('DELETE', '/_sandbox/faults'),
    requests: async (filter = {}) => (await call<{ data: RecordedRequest[] }>('GET', `/_sandbox/requests?${query(filter)}`)).data,
    webhookDeliveries: async (filter = {}) => (await call<{ data: Delivery[] }>('GET', `/_sandbox/webhook-deliveries?${query(filter)}`)).data,
    outcome: (id, outcome) => call('POST', `/_sandbox/shipments/${encodeURIComponent(id)}/outcome`, { outcome }),
    advance: (id) => call('POST', `/_sandbox/shipments/${encodeURIComponent(id)}/advance`),
    stop: async () => {
      sandbox.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
