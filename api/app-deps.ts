import type { Client as Elasticsearch } from '@elastic/elasticsearch';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type Stripe from 'stripe';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { SearchIndices } from '../platform/search-indices';

/** Everything the API needs, built by the composition root (api/main.ts) or a test. */
export interface AppDeps {
  config: Pick<Config, 'auth' | 'serviceName' | 'temporal' | 'stripe' | 'carrier'> & Partial<Pick<Config, 'orders' | 'rateLimits' | 'returns'>>;
  logger: Logger;
  db: Kysely<Database>;
  redis: Redis;
  es: Elasticsearch;
  temporal: TemporalClient;
  indices: SearchIndices;
  stripe: Stripe;
}
