import type { Express } from 'express';
import { createApp } from '../../api/create-app';
import type { AppDeps } from '../../api/app-deps';
import { signToken, type Role } from '../../api/http/tokens';
import { createDb } from '../../db/create-db';
import { createElasticsearch } from '../../platform/create-elasticsearch';
import { createRedis } from '../../platform/create-redis';
import { createStripe } from '../../platform/create-stripe';
import { createLogger } from '../../platform/logger';
import { testConfig, testIndices, testStack } from './test-stack';
import { TEST_WAREHOUSE_CODE } from './db-fixtures';

export interface TestApp {
  app: Express;
  deps: AppDeps;
  /** `Authorization` header value for a token of that role. */
  /** A warehouse role's token is for the test DB warehouse; `warehouseBearer` names another. */
  bearer(role: Role, subject?: string): Promise<string>;
  warehouseBearer(warehouseCode: string, subject?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real app on real clients against the test stack; override any dependency to inject a fault. */
export function createTestApp(overrides: Partial<AppDeps> = {}): TestApp {
  const config = testConfig();
  const deps: AppDeps = {
    config,
    // TEST_LOG_LEVEL=error shows what a failing API test's app logged.
    logger: createLogger({ serviceName: 'api-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    db: createDb({ url: config.postgres.url, poolSize: 10, applicationName: 'api-test' }),
    redis: createRedis(config.redis),
    es: createElasticsearch(config.elasticsearch),
    temporal: testStack().temporal.client,
    indices: testIndices(),
    stripe: createStripe(config),
    ...overrides,
  };
  return {
    app: createApp(deps),
    deps,
    bearer: async (role, subject = `${role}-1`) =>
      `Bearer ${await signToken({ secret: config.auth.jwtSecret, issuer: config.auth.issuer }, { subject, role, ...(role === 'warehouse' && { warehouseCode: TEST_WAREHOUSE_CODE }) })}`,
    warehouseBearer: async (warehouseCode, subject = 'picker-1') =>
      `Bearer ${await signToken({ secret: config.auth.jwtSecret, issuer: config.auth.issuer }, { subject, role: 'warehouse', warehouseCode })}`,
    close: async () => {
      await Promise.allSettled([deps.db.destroy(), deps.redis.quit(), deps.es.close()]);
    },
  };
}
