import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the pinned promtool; its whole output is the failure message when it refuses. */
async function promtool(...args: string[]): Promise<string> {
  const path = process.env.PROMTOOL_PATH;
  if (!path) throw new Error('PROMTOOL_PATH must name the pinned promtool (scripts/install.sh builds it, scripts/test.sh sets it)');
  try {
    const { stdout } = await run(path, args, { cwd: 'prometheus' });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    assert.fail(`promtool ${args.join(' ')} refused:\n${stdout}${stderr}`);
  }
}

describe('the alert rules ops load (prometheus/alerts.yml, promtool)', () => {
  it('load: every rule parses and its expression is valid PromQL', async () => {
    assert.match(await promtool('check', 'rules', 'alerts.yml'), /SUCCESS: 9 rules found/);
  });

  it('fire on the series that should fire them, and stay quiet on the rest (prometheus/alerts.test.yml)', async () => {
    assert.match(await promtool('test', 'rules', 'alerts.test.yml'), /SUCCESS/);
  });
});
