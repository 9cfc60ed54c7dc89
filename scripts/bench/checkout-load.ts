import http from 'node:http';

export interface LoadRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Sample {
  index: number;
  /** Epoch milliseconds (sub-millisecond precision) when the request was sent. */
  sentAt: number;
  /** Until the whole response body arrived. */
  ms: number;
  status: number;
  body: string;
}

export interface LoadLimits {
  requestTimeoutMs?: number;
  /** No new request after this long: a phase that cannot finish ends with what it has. */
  deadlineMs?: number;
  /** No new request once this many failed: a broken setup is reported, not waited out. */
  maxFailures?: number;
}

export interface LoadResult {
  samples: Sample[];
  /** From the first request sent to the last response read. */
  wallMs: number;
}

/**
 * `count` POSTs from `concurrency` closed-loop clients over keep-alive connections, each timed
 * on its own: the raw samples, not a histogram, so percentiles are exact.
 */
export async function runLoad(origin: string, count: number, concurrency: number, request: (index: number) => LoadRequest, limits: LoadLimits = {}): Promise<LoadResult> {
  const { requestTimeoutMs = 30_000, deadlineMs = Number.POSITIVE_INFINITY, maxFailures = Number.POSITIVE_INFINITY } = limits;
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const samples: Sample[] = [];
  let next = 0;
  const started = performance.now();
  const failures = () => samples.filter((s) => s.status < 200 || s.status >= 300).length;
  const client = async () => {
    while (next < count && performance.now() - started < deadlineMs && failures() < maxFailures) {
      const index = next++;
      const { path, headers, body } = request(index);
      const t0 = performance.now();
      const { status, text } = await post(agent, new URL(path, origin), headers, body, requestTimeoutMs);
      samples.push({ index, sentAt: performance.timeOrigin + t0, ms: performance.now() - t0, status, body: text });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { samples: samples.sort((a, b) => a.index - b.index), wallMs };
}

/** Status 0 when the request failed or timed out. */
function post(agent: http.Agent, url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => resolve({ status: 0, text: error.message }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ status: 0, text: error.message }));
    req.end(body);
  });
}

/** Nearest-rank percentile of raw samples. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
