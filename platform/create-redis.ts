import { once } from 'node:events';
import { Redis } from 'ioredis';

export function createRedis({ url }: { url: string }): Redis {
  // Fail a command fast while Redis is away or hung instead of queueing it; callers degrade.
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, commandTimeout: 2_000 });
}

/**
 * With the offline queue off, commands fail until the first connection is up: a process waits
 * for it before serving, but only so long, since Redis being down must not keep it from starting.
 */
export async function redisReady(redis: Redis, timeoutMs = 5_000): Promise<boolean> {
  if (redis.status === 'ready') return true;
  const timeout = new Promise<false>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
  return Promise.race([once(redis, 'ready').then(() => true, () => false), timeout]);
}
