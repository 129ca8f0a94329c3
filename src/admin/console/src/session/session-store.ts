/**
 * The signed-in state of the console: checked once at load (GET /session), set by sign-in, cleared by
 * sign-out, by a 401 from any call, or by the idle and absolute timeouts the server announced.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, call, onSessionEnd, setCsrfToken } from '../api/client.js';
import type { Role, Session } from '../api/types.js';

export type { Role, Session };

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; session: Session }
  | { status: 'unreachable'; error: ApiError };

let state: SessionState = { status: 'checking' };
const listeners = new Set<(s: SessionState) => void>();

function set(next: SessionState): void {
  state = next;
  setCsrfToken(next.status === 'signed-in' ? next.session.csrfToken : null);
  for (const l of listeners) l(next);
}

export function useSession(): SessionState {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    setCurrent(state);
    return () => void listeners.delete(setCurrent);
  }, []);
  return current;
}

onSessionEnd(() => {
  if (state.status === 'signed-in')
    set({ status: 'signed-out', notice: 'Your session has ended. Sign in again.' });
});

export async function checkSession(): Promise<void> {
  set({ status: 'checking' });
  try {
    set({ status: 'signed-in', session: await call(api.GET('/session')) });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) set({ status: 'signed-out' });
    else
      set({
        status: 'unreachable',
        error: err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)),
      });
  }
}

/** Throws the API's error (invalid_credentials, account_locked, …) for the sign-in form to show. */
export async function signIn(username: string, password: string): Promise<void> {
  set({ status: 'signed-in', session: await call(api.POST('/session', { body: { username, password } })) });
}

export async function signOut(notice?: string): Promise<void> {
  try {
    await call(api.DELETE('/session'));
  } catch {
    // Signed out locally either way; the server ends the session at its idle timeout at the latest.
  }
  set({ status: 'signed-out', ...(notice ? { notice } : {}) });
}
