// Idempotent Temporal setup for a namespace: custom search attributes and schedules.
import { Client, Connection } from '@temporalio/client';
import { registerSearchAttributes } from '../platform/temporal/register-search-attributes';
import { ensureSchedules } from '../platform/temporal/schedules';
import { searchAttributes } from '../workflows/shared/search-attributes';

async function main(): Promise<void> {
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const connection = await Connection.connect({ address });
  try {
    const added = await registerSearchAttributes(connection, namespace, searchAttributes);
    const names = searchAttributes.map((key) => key.name).join(', ');
    console.error(`  search attributes on ${namespace}: ${names}${added.length ? ` (added ${added.join(', ')})` : ''}`);
    for (const { scheduleId, created } of await ensureSchedules(new Client({ connection, namespace }))) {
      console.error(`  schedule ${scheduleId}: ${created ? 'created' : 'updated'}`);
    }
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
