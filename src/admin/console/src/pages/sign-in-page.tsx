/** Sign-in with a console user's name and password; says why a sign-in failed or a session ended. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';
import { ErrorMessage } from '../components/error-message.js';
import { Time } from '../components/time.js';
import { signIn } from '../session/session-store.js';

function Refusal({ error }: { error: ApiError }) {
  if (error.code === 'invalid_credentials') {
    return (
      <p class="error" role="alert">
        Wrong user name or password. <code class="error-code">{error.code}</code>
      </p>
    );
  }
  if (error.code === 'account_locked') {
    const until = typeof error.details.lockedUntil === 'string' ? error.details.lockedUntil : null;
    return (
      <p class="error" role="alert">
        This account is locked after repeated failed sign-ins
        {until ? (
          <>
            {' '}
            until <Time iso={until} />
          </>
        ) : null}
        . <code class="error-code">{error.code}</code>
      </p>
    );
  }
  return <ErrorMessage error={error} />;
}

export function SignInPage({ notice }: { notice?: string | undefined }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <main id="main" class="sign-in">
      <h1 tabIndex={-1} ref={heading}>
        Sign in to Enrollment Gateway
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await signIn(username, password);
          } catch (err) {
            setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
            setBusy(false);
          }
        }}
      >
        <label for="username">User name</label>
        <input
          id="username"
          name="username"
          autocomplete="username"
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error ? <Refusal error={error} /> : null}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
