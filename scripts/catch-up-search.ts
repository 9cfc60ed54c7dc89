// Runs the search catch-up once and waits for it: `npm run catch-up` (dev.sh runs it after seeding).
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../platform/config';
import { catchUpSearchIndexWorkflowType, searchCatchUpWorkflowId, type CatchUpSearchIndexWorkflow } from '../workflows/search/catch-up-search-index.messages';
import { taskQueues } from '../workflows/shared/task-queues';

async function main(): Promise<void> {
  const { temporal } = loadConfig();
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const started = Date.now();
    const workflowId = searchCatchUpWorkflowId(`manual-${randomUUID().slice(0, 8)}`);
    const { indexed } = await client.workflow.execute<CatchUpSearchIndexWorkflow>(catchUpSearchIndexWorkflowType, {
      workflowId,
      taskQueue: taskQueues.search,
      args: [],
      staticSummary: 'Index products whose search document lags the database (manual)',
    });
    console.error(`  search index caught up: ${indexed} products indexed in ${((Date.now() - started) / 1000).toFixed(1)} s (${workflowId})`);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
