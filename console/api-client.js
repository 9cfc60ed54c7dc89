// Every call to the API: the bearer token in the Authorization header, answers as JSON, refusals as ApiProblem.

/** A problem+json answer (RFC 9457), with its `type` code (`/problems/not-held` → `not-held`) and its explanation. */
export class ApiProblem extends Error {
  constructor(status, problem, explanation) {
    super(problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.code = typeof problem.type === 'string' ? problem.type.replace(/^.*\/problems\//, '') : 'unknown';
    this.title = problem.title ?? `The API answered ${status}`;
    this.detail = problem.detail ?? null;
    this.explanation = explanation ?? null;
    this.retryAfter = null;
  }
}

const explanations = new Map();

/** What /problems/<code> says about a problem type, in words (fetched once per type). */
async function explain(code) {
  if (!/^[a-z-]+$/.test(code)) return null;
  if (!explanations.has(code)) {
    explanations.set(
      code,
      fetch(`/problems/${code}`, { headers: { Accept: 'application/json' } })
        .then((res) => (res.ok ? res.json() : {}))
        .then((body) => (typeof body.explanation === 'string' ? body.explanation.replace(/`/g, '') : null))
        .catch(() => null),
    );
  }
  return explanations.get(code);
}

export function createApi(token) {
  async function call(method, path, body) {
    const res = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      cache: 'no-store',
    });
    const text = await res.text();
    const parsed = text ? safeJson(text) : {};
    if (res.ok) return parsed;
    const problem = new ApiProblem(res.status, parsed ?? {}, null);
    problem.explanation = await explain(problem.code);
    problem.retryAfter = res.headers.get('Retry-After');
    throw problem;
  }
  return {
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
  };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { title: text.slice(0, 200) };
  }
}
