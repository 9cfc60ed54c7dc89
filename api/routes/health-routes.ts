import { sql } from 'kysely';
import { z } from 'zod';
import type { ApiRouter } from '../http/api-router';
import type { AppDeps } from '../app-deps';

const dependencyState = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
});
const readiness = z.object({ status: z.enum(['ready', 'not_ready']), dependencies: z.record(z.string(), dependencyState) });

const CHECK_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<z.infer<typeof dependencyState>> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(api: ApiRouter, { db, redis, es, temporal }: AppDeps): void {
  api.route(
    {
      method: 'get',
      path: '/health',
      operationId: 'getHealth',
      summary: 'Liveness: the process is up and serving',
      tag: 'Operations',
      responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    },
    ({ res }) => {
      res.json({ status: 'ok' });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/ready',
      operationId: 'getReadiness',
      summary: "Readiness: each dependency's state and latency",
      tag: 'Operations',
      responses: {
        200: { description: 'Every dependency answers', schema: readiness },
        503: { description: 'At least one dependency is down', schema: readiness },
      },
    },
    async ({ res }) => {
      const checks: Record<string, () => Promise<unknown>> = {
        postgres: () => sql`select 1`.execute(db),
        redis: () => redis.ping(),
        elasticsearch: () => es.cluster.health({ timeout: '1s' }),
        temporal: () => temporal.workflowService.getSystemInfo({}),
      };
      const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const));
      const dependencies = Object.fromEntries(results);
      const ready = results.every(([, state]) => state.status === 'up');
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', dependencies });
    },
  );
}
