import { ApiProblem, createApi } from './api-client.js';
import { html, useEffect, useRef, useState } from './html.js';
import { claimedRole, cleanToken } from './session.js';

/** Signs in with a pasted support or admin token: the API's GET /support/whoami decides. */
export async function signIn(pasted) {
  const token = cleanToken(pasted);
  if (!token) throw new Error('Paste a support or admin token first.');
  try {
    const me = await createApi(token).get('/support/whoami');
    return { token, subject: me.subject, role: me.role };
  } catch (error) {
    throw new Error(refusalInWords(error, token));
  }
}

function refusalInWords(error, token) {
  if (!(error instanceof ApiProblem)) return `The API could not be reached (${error.message}).`;
  if (error.status === 403) {
    const role = claimedRole(token);
    return role === 'customer'
      ? 'This is a customer token. The support console admits support and admin tokens only.'
      : `This token's role${role ? ` (${role})` : ''} may not use the support console: it admits support and admin tokens only.`;
  }
  if (error.status === 401) return `The token was refused: ${error.detail ?? error.title}. Mint a new one (npm run token -- --role support --sub <you>).`;
  return `${error.title}${error.detail ? `: ${error.detail}` : ''}`;
}

export function SignIn({ onSignedIn, notice }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const field = useRef(null);
  useEffect(() => field.current?.focus(), []);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(token));
    } catch (refused) {
      setError(refused.message);
      field.current?.focus();
    } finally {
      setBusy(false);
    }
  };

  return html`<main class="sign-in" aria-labelledby="sign-in-title">
    <h1 id="sign-in-title">Support console</h1>
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    <form onSubmit=${submit} aria-describedby="token-help">
      <label for="token">Support or admin token</label>
      <textarea id="token" name="token" ref=${field} rows="4" spellcheck="false" autocomplete="off" required
        aria-invalid=${error ? 'true' : 'false'} aria-describedby=${error ? 'sign-in-error' : undefined}
        value=${token} onInput=${(e) => setToken(e.currentTarget.value)}></textarea>
      <p id="token-help" class="meta">Kept in this tab only (session storage) and sent as the Authorization header. In dev: <code>npm run token -- --role support --sub alice</code>.</p>
      ${error && html`<p id="sign-in-error" class="problem" role="alert">${error}</p>`}
      <button type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}
