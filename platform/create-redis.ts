import { Redis } from 'ioredis';

export function createRedis({ url }: { url: string }): Redis {
  // Fail a command fast while Redis is away instead of queueing it forever; callers degrade.
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
}
