import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@elastic/elasticsearch';
const es = new Client({ node: 'http://127.0.0.1:19200' });
const pid = Number(process.argv[2]);
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const doc = (i: number) => ({ orderId: `o-${i}`, customerId: `c-${i % 50}`, email: `x${i}@example.com`, status: 'confirmed', statusReason: null, riskLevel: 'low', currency: 'EUR', total: 1234 + i, skus: ['SKU-1', 'SKU-2'], trackingNumbers: [], shipToName: 'Ann Example', shipToCountry: 'DE', createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
async function run(name: string, settings: Record<string, unknown>) {
  const index = `rate-${name}`;
  await es.indices.delete({ index }, { ignore: [404] });
  await es.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0, ...settings } });
  const N = 300;
  const c0 = cpu();
  for (let i = 0; i < N; i += 5) {
    await Promise.all([0, 1, 2, 3, 4].map((k) => es.index({ index, id: `d${i + k}`, document: doc(i + k), version: Date.now(), version_type: 'external_gte' })));
    await sleep(200);
  }
  await sleep(1500);
  console.log(name, `ES CPU ${((cpu() - c0) / N).toFixed(2)} ms/doc`);
  await es.indices.delete({ index });
}
(async () => {
  const idle0 = cpu(); await sleep(5000); console.log('idle ms/s', ((cpu() - idle0) / 5).toFixed(1));
  await run('r1s', { refresh_interval: '1s' });
  await run('r10s', { refresh_interval: '10s' });
  await run('r1s-async', { refresh_interval: '1s', 'translog.durability': 'async' });
  await run('r1s-b', { refresh_interval: '1s' });
})();
