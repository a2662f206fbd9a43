import { useState } from 'preact/hooks';
import { api, ApiFailure, setToken } from './api.js';

interface LoginAnswer { token: string }

export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = needTotp ? { username, password, totp } : { username, password };
      const answer = await api<LoginAnswer>('POST', '/api/v1/auth/login', body, null);
      setToken(answer.token);
      onLoggedIn();
    } catch (e) {
      if (e instanceof ApiFailure && e.code === 'totp_required') {
        setNeedTotp(true);
        setError('Enter the code from your authenticator app.');
      } else {
        setError(e instanceof Error ? e.message : String(e));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="login-form" onSubmit={submit} aria-label="Sign in">
        <h1>Vigil</h1>
        <label>
          Username
          <input name="username" autocomplete="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {needTotp && (
          <label>
            TOTP code
            <input name="totp" inputMode="numeric" pattern="\d{6}" autocomplete="one-time-code" required value={totp} onInput={(e) => setTotp(e.currentTarget.value)} />
          </label>
        )}
        <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        {error && <p class="form-error" role="alert">{error}</p>}
      </form>
    </main>
  );
}
