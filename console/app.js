import { ApiProblem, createApi } from './api-client.js';
import { useHashRoute } from './hash-route.js';
import { html, useEffect, useMemo, useState } from './html.js';
import { OrderPage } from './order-page.js';
import { OrderSearch } from './order-search.js';
import { QueueBoard } from './queue-board.js';
import { forgetToken, storedToken, storeToken } from './session.js';
import { SignIn, signIn } from './sign-in.js';

export function App({ temporalUi }) {
  const [session, setSession] = useState(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [notice, setNotice] = useState(null);
  const route = useHashRoute();

  // A reload in the same tab keeps the agent signed in, as long as the API still takes the token.
  useEffect(() => {
    const token = storedToken();
    if (!token) return;
    signIn(token)
      .then(setSession)
      .catch((error) => {
        forgetToken();
        setNotice(error.message);
      })
      .finally(() => setRestoring(false));
  }, []);

  const signOut = (message) => {
    forgetToken();
    setSession(null);
    setNotice(message);
  };

  const api = useMemo(() => {
    if (!session) return null;
    const client = createApi(session.token);
    // A token that expires while the page is open ends the session with a word, not a broken page.
    const guard = (call) => async (...args) => {
      try {
        return await call(...args);
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 401) signOut('Your token expired or was refused: sign in again.');
        throw error;
      }
    };
    return { get: guard(client.get), send: guard(client.send) };
  }, [session]);

  if (restoring) return html`<main><p role="status">Signing in…</p></main>`;
  if (!session)
    return html`<${SignIn} notice=${notice} onSignedIn=${(s) => { storeToken(s.token); setNotice(null); setSession(s); }} />`;

  return html`<div class="layout">
    <header class="top">
      <a class="brand" href="#/">Support console</a>
      <p class="who" data-role=${session.role}>Signed in as <strong>${session.subject}</strong> (${session.role})</p>
      <button type="button" onClick=${() => signOut('Signed out.')}>Sign out</button>
    </header>
    ${route.page === 'order'
      ? html`<${OrderPage} api=${api} orderId=${route.orderId} temporalUi=${temporalUi} session=${session} />`
      : html`<main class="home" aria-labelledby="home-title">
          <h1 id="home-title" class="visually-hidden">Work waiting and order search</h1>
          <${QueueBoard} api=${api} />
          <${OrderSearch} api=${api} />
        </main>`}
  </div>`;
}
