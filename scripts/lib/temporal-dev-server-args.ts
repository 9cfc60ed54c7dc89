import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The dynamic config every local dev server runs with (scripts/lib/temporal-dev-server.conf), as key=value strings. */
export function temporalDevServerConfig(): string[] {
  return readFileSync(path.join(__dirname, 'temporal-dev-server.conf'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** The same, as `temporal server start-dev` arguments. */
export const temporalDevServerArgs = (config = temporalDevServerConfig()): string[] => config.flatMap((value) => ['--dynamic-config-value', value]);
