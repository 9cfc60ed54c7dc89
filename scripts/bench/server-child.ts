import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A benchmark's server child (API, workers, a sandbox). Its first JSON line says it is ready
 * (with its port, for a server); the workers' later lines report each order indexed, as
 * {indexed: <scenario>, orderId, at}.
 */
export class ServerChild {
  /** When each order was indexed, by `<scenario>/<orderId>`. */
  readonly indexed = new Map<string, number>();
  private waiters: (() => void)[] = [];
  readonly process: ChildProcess;

  /** `stdout: 'ignore'` for a child that says nothing the bench reads (a sandbox). */
  constructor(script: string, env: NodeJS.ProcessEnv, stdout: 'pipe' | 'ignore' = 'pipe') {
    // tsx as an import hook, not its CLI wrapper: the process whose CPU /proc reports is the server itself.
    this.process = spawn(process.execPath, ['--import', 'tsx', script], { env, stdio: ['ignore', stdout, 'inherit'] });
  }

  async ready(): Promise<{ port?: number }> {
    const lines = createInterface({ input: this.process.stdout! });
    return new Promise((resolve, reject) => {
      this.process.once('exit', (code) => reject(new Error(`bench server exited (${code})`)));
      lines.on('line', (line) => {
        if (!line.startsWith('{')) return;
        const message = JSON.parse(line) as { port?: number; ready?: boolean; indexed?: string; orderId?: string; at?: number };
        if (message.port || message.ready) resolve(message);
        if (message.indexed) {
          this.indexed.set(`${message.indexed}/${message.orderId}`, message.at!);
          this.waiters.forEach((wake) => wake());
        }
      });
    });
  }

  /** Waits until every order of the scenario was indexed, or the timeout; answers how many were not. */
  async settle(scenario: string, orderIds: string[], timeoutMs: number): Promise<number> {
    const missing = () => orderIds.filter((id) => !this.indexed.has(`${scenario}/${id}`)).length;
    const deadline = Date.now() + timeoutMs;
    while (missing() > 0 && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 250);
      });
      this.waiters = [];
    }
    return missing();
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = once(this.process, 'exit');
    this.process.kill('SIGTERM');
    if ((await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])) === false) this.process.kill('SIGKILL');
  }
}

/** A loopback port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
