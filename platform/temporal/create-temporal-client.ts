import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import type { Config } from '../config';

export async function createTemporalClient({ temporal }: Pick<Config, 'temporal'>): Promise<Client> {
  const connection = await Connection.connect({ address: temporal.address, interceptors: [makeGrpcRetryInterceptor(retryOptions)] });
  return new Client({ connection, namespace: temporal.namespace });
}

const defaults = defaultGrpcRetryOptions();
type Status = Parameters<typeof defaults.retryableDecider>[1];
const RESOURCE_EXHAUSTED = 8;

/**
 * A workflow's limit on updates ("limit on number of concurrent in-flight updates has been
 * reached"). Through update-with-start the server reports it only as "Update-with-Start could not
 * be executed" with RESOURCE_EXHAUSTED; a namespace's rate limit says so in other words.
 */
export const isUpdateLimit = (status: Pick<Status, 'code' | 'details'>): boolean =>
  status.code === RESOURCE_EXHAUSTED && /in-flight updates|total updates|Update-with-Start could not be executed/i.test(status.details);

/**
 * The SDK's retries, except for a workflow's limit on updates in flight: that is not an overload
 * to wait out for 40 s but an answer (the same checkout is still running), which the API gives
 * at once as a 409 with Retry-After.
 */
const retryOptions = {
  ...defaults,
  retryableDecider: (attempt: number, status: Status) => !isUpdateLimit(status) && defaults.retryableDecider(attempt, status),
};
