import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { adoptTokenFromFragment, api, ApiFailure, getToken, setToken, type WhoAmI } from './api.js';
import { FeedPage } from './feed.js';
import { LoginPage } from './login.js';
import './styles.css';

function App() {
  const [me, setMe] = useState<WhoAmI | null>(null);
  const [checking, setChecking] = useState(getToken() !== null);
  const [generation, setGeneration] = useState(0);

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
  return <FeedPage me={me} onLogout={logout} onSignedOut={signedOut} />;
}

adoptTokenFromFragment();
render(<App />, document.getElementById('app')!);
