// The console's shell: the login form (when the API wants a token), the navigation and the page chosen by the URL's
// hash (`#/clients`), so the placement center serves one index.html and no route of its own can be shadowed.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, hasToken, onUnauthorized, setToken } from './api';
import { Overview } from './pages/overview';
import { Clients } from './pages/clients';
import { Topics } from './pages/topics';
import { Security } from './pages/security';
import { Rules } from './pages/rules';
import { Storage } from './pages/storage';
import { KvBrowser } from './pages/kv';
import './styles.css';

const PAGES = [
  { path: 'overview', label: 'Overview', page: Overview },
  { path: 'clients', label: 'Clients & sessions', page: Clients },
  { path: 'topics', label: 'Topics & subscriptions', page: Topics },
  { path: 'security', label: 'Security', page: Security },
  { path: 'rules', label: 'Rules', page: Rules },
  { path: 'storage', label: 'Storage', page: Storage },
  { path: 'kv', label: 'KV browser', page: KvBrowser },
] as const;

const current = () => location.hash.replace(/^#\/?/, '').split('?')[0] || 'overview';

function Login({ onDone, failed }: { onDone: () => void; failed: string | undefined }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(failed);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setToken(value.trim());
    try {
      await api('GET', '/api/v1/cluster');
      onDone();
    } catch (err) {
      setToken(null);
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form class="card form" aria-label="Log in" onSubmit={submit}>
        <h1>RobustMQ console</h1>
        <p>
          This cluster's admin API needs a token (the placement center's <code>[http] admin_tokens</code>).
        </p>
        <div class={`field${error ? ' invalid' : ''}`}>
          <label for="token">Admin token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            value={value}
            aria-invalid={Boolean(error)}
            aria-describedby={error ? 'token-err' : undefined}
            onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
            required
          />
          {error && (
            <small id="token-err" class="error" role="alert">
              {error}
            </small>
          )}
        </div>
        <button type="submit" disabled={busy || value.trim() === ''}>
          Log in
        </button>
      </form>
    </main>
  );
}

function App() {
  const [path, setPath] = useState(current());
  const [auth, setAuth] = useState<'checking' | 'ok' | 'login'>('checking');
  const [failed, setFailed] = useState<string>();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    const onHash = () => {
      setPath(current());
      setMenuOpen(false);
    };
    addEventListener('hashchange', onHash);
    const off = onUnauthorized(() => {
      setFailed(hasToken() ? 'the token was refused; log in again' : undefined);
      setToken(null);
      setAuth('login');
    });
    api('GET', '/api/v1/cluster').then(
      () => setAuth('ok'),
      (err: unknown) => {
        if (!(err instanceof ApiError && err.status === 401)) setAuth('ok');
      },
    );
    return () => {
      removeEventListener('hashchange', onHash);
      off();
    };
  }, []);

  if (auth === 'checking') return <p class="muted center">connecting…</p>;
  if (auth === 'login') return <Login failed={failed} onDone={() => setAuth('ok')} />;
  const entry = PAGES.find((p) => p.path === path) ?? PAGES[0];
  const Page = entry.page;
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/overview">
          RobustMQ
        </a>
        <button
          type="button"
          class="menu"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        {hasToken() && (
          <button
            type="button"
            class="logout"
            onClick={() => {
              setToken(null);
              setFailed(undefined);
              setAuth('login');
            }}
          >
            Log out
          </button>
        )}
      </header>
      <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Pages">
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a href={`#/${p.path}`} aria-current={p.path === entry.path ? 'page' : undefined}>
                {p.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <h1>{entry.label}</h1>
        <Page />
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
