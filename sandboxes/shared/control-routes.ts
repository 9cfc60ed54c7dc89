import type { Express } from 'express';

interface Controls<Scope extends string> {
  /** The request field that scopes faults and the request log to one caller's work. */
  scope: Scope;
  requests: { find(filter: Record<string, string | undefined>): unknown[]; clear(): void };
  faults: { add(fault: never): void; clear(): void };
  effects: readonly string[];
  /** More to forget when the faults are cleared (a sandbox's own kinds of fault). */
  onClearFaults?: () => void;
}

/**
 * What every sandbox's control API offers under /_sandbox: health, the requests it received
 * (filtered by method, path and the scope), and faults to arm and clear. Call after
 * `app.use('/_sandbox', express.json())`.
 */
export function mountControlRoutes<Scope extends string>(app: Express, { scope, requests, faults, effects, onClearFaults }: Controls<Scope>): void {
  app.get('/_sandbox/health', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/_sandbox/requests', (req, res) => {
    const text = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
    res.json({ data: requests.find({ method: text('method'), path: text('path'), [scope]: text(scope) }) });
  });
  app.delete('/_sandbox/requests', (_req, res) => {
    requests.clear();
    res.status(204).end();
  });
  app.post('/_sandbox/faults', (req, res) => {
    const fault = req.body as Record<string, unknown>;
    if (typeof fault.path !== 'string' || !effects.includes(String(fault.effect))) {
      res.status(400).json({ error: `a fault needs a path and an effect: ${effects.join(', ')}` });
      return;
    }
    const armed = { method: fault.method, path: fault.path, [scope]: fault[scope], effect: fault.effect, times: Number(fault.times ?? 1), delayMs: fault.delayMs };
    faults.add(armed as never);
    res.status(201).json(fault);
  });
  app.delete('/_sandbox/faults', (_req, res) => {
    faults.clear();
    onClearFaults?.();
    res.status(204).end();
  });
}
