// Mints a development bearer token: npm run token -- --role admin|support|customer|warehouse [--warehouse EU-CENTRAL-1] [--sub staff-1] [--ttl 12h]
import { parseArgs } from 'node:util';
import { roles, signToken, type Role } from '../api/http/tokens';
import { loadConfig } from '../platform/config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string', default: 'customer' }, warehouse: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
  });
  const role = values.role as Role;
  if (!roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')}`);
  const { auth } = loadConfig();
  if ((role === 'warehouse') !== (values.warehouse !== undefined)) throw new Error('--warehouse <code> goes with --role warehouse, and only with it');
  const principal = { subject: values.sub ?? `${role}-dev`, role, ...(values.warehouse && { warehouseCode: values.warehouse }) };
  const token = await signToken({ secret: auth.jwtSecret, issuer: auth.issuer }, principal, values.ttl);
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
