import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

/** No engine runs here, but the compose client validates the file and resolves the topology. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version']).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version']).status === 0) return ['docker-compose'];
  throw new Error('no docker compose client: scripts/install.sh installs Debian docker-compose');
}

describe('docker-compose.yml', () => {
  const cwd = path.resolve(__dirname, '../..');
  const env = { ...process.env, JWT_SECRET: 'x'.repeat(32), STRIPE_API_KEY: 'sk_test_compose', STRIPE_WEBHOOK_SECRET: 'whsec_compose' };
  const compose = (...args: string[]) => {
    const [command, ...prefix] = composeCommand();
    return execFileSync(command!, [...prefix, '-f', 'docker-compose.yml', ...args], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  };

  it('is valid and has the production-like topology', () => {
    compose('config', '-q');
    const services = compose('config', '--services').trim().split('\n').sort();
    for (const service of ['api', 'worker', 'setup', 'postgres', 'redis', 'elasticsearch', 'temporal', 'temporal-db', 'temporal-ui']) {
      assert.ok(services.includes(service), `${service} in ${services.join(', ')}`);
    }
  });

  it('refuses to start without the secrets it must get from the environment', () => {
    const [command, ...prefix] = composeCommand();
    const { JWT_SECRET: _omitted, ...withoutSecret } = env;
    const result = spawnSync(command!, [...prefix, '-f', 'docker-compose.yml', 'config', '-q'], { cwd, env: withoutSecret, encoding: 'utf8' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /JWT_SECRET/);
  });
});
