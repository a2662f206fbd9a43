// Before anything that builds a zod schema (see zod-jitless.ts).
import './zod-jitless.js';
// Global styles first, so each page's stylesheet (imported by the page) can refine them.
import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adoptTokenFromFragment, api, ApiFailure, getToken, setToken, type WhoAmI } from './api.js';
import { LoginPage } from './login.js';
import { PAGES } from './pages.js';
import { matchRoute, usePath } from './router.js';
import { NotFound, Shell } from './shell.js';

function App() {
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);
  const [generation, setGeneration] = useState(0);
  const path = usePath();

  useEffect(() => {
    if (!getToken()) {
      setChecking(false);
      return;
    }
    setChecking(true);
    api<WhoAmI>('GET', '/api/v1/auth/me')
      .then((who) => setMe(who))
      .catch((e: unknown) => {
        if (e instanceof ApiFailure && (e.status === 401 || e.status === 403)) setToken(null);
        setMe(null);
      })
      .finally(() => setChecking(false));
  }, [generation]);

  async function logout() {
    try {
      await api('POST', '/api/v1/auth/logout');
    } catch {
      // The token may already be gone; forgetting it is what matters.
    }
    setToken(null);
    setMe(null);
  }

  function signedOut() {
    setToken(null);
    setMe(null);
  }

  if (checking) return <p class="loading">Loading…</p>;
  if (!me) return <LoginPage onLoggedIn={() => setGeneration((g) => g + 1)} />;
  for (const page of PAGES) {
    const params = matchRoute(page.path, path);
    if (!params) continue;
    const Page = page.component;
    return <Shell me={me} onLogout={logout}><Page me={me} params={params} onSignedOut={signedOut} /></Shell>;
  }
  return <Shell me={me} onLogout={logout}><NotFound /></Shell>;
}

adoptTokenFromFragment();
render(<App />, document.getElementById('app')!);
