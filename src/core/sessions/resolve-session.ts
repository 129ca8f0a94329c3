import type { ConsoleUser } from '../console-users/console-user.js';
import { CoreError } from '../errors.js';
import { csrfTokenOf, hashSessionToken, type ConsoleSession } from './session.js';
import type { SessionDeps } from './sign-in.js';

/** A valid session and its user as they are now (a role changed meanwhile applies at once). */
export interface ResolvedSession {
  session: ConsoleSession;
  user: ConsoleUser;
  csrfToken: string;
}

/**
 * Activity is written at most once a minute: the console calls the API every few seconds, and a
 * write per call would queue every reader behind SQLite's write lock. The idle timeout is therefore
 * exact to within this interval.
 */
const touchIntervalMs = 60_000;

const unauthorized = (message: string) => new CoreError('unauthorized', message);

/** The session of a cookie value, or CoreError('unauthorized'). An expired session is ended here. */
export async function resolveSession(deps: SessionDeps, token: string): Promise<ResolvedSession> {
  // A cookie value is 43 characters; anything much longer is not ours and is not hashed.
  if (!token || token.length > 128) throw unauthorized('Sign in first');
  const { store, clock } = deps;
  const session = await store.sessions.findByTokenHash(hashSessionToken(token));
  if (!session || session.endedAt) throw unauthorized('The session has ended: sign in again');
  const now = clock.now();
  const idleMs = deps.console.sessionIdleMinutes * 60_000;
  const expired =
    now >= session.expiresAt
      ? 'expired'
      : now.getTime() - session.lastSeenAt.getTime() >= idleMs
        ? 'idle'
        : null;
  if (expired) {
    await store.sessions.end(session.id, now, expired);
    throw unauthorized(
      expired === 'idle'
        ? `The session ended after ${deps.console.sessionIdleMinutes} minutes without activity: sign in again`
        : `The session reached its ${deps.console.sessionMaxHours}-hour limit: sign in again`,
    );
  }
  const user = await store.consoleUsers.get(session.userId);
  if (!user || user.disabled) throw unauthorized('The user is disabled');
  if (now.getTime() - session.lastSeenAt.getTime() >= touchIntervalMs) {
    await store.sessions.touch(session.id, now);
    session.lastSeenAt = now;
  }
  return { session, user, csrfToken: csrfTokenOf(token) };
}
