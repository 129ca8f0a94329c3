/** Console sign-in from a test: the cookie the browser would send back and the session's CSRF token. */
import type { Role } from '../../../src/core/tokens/token.js';
import type { AdminHarness } from './harness.js';

export interface SignedIn {
  /** The Cookie request header: `egw_session=<value>`. */
  cookie: string;
  /** The raw cookie value (to search the database and logs for it). */
  token: string;
  csrf: string;
  setCookie: string;
  body: Record<string, unknown>;
}

export const password = 'correct horse battery staple';

export async function consoleUser(
  h: AdminHarness,
  username: string,
  role: Role,
  pass = password,
): Promise<string> {
  const { user } = await h.core.createConsoleUser({ username, role, password: pass, actor: 'root' });
  return user.id;
}

export async function signIn(h: AdminHarness, username: string, pass = password): Promise<SignedIn> {
  const res = await h.api.post('/api/v1/session').send({ username, password: pass });
  if (res.status !== 200)
    throw new Error(`sign-in as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0] ?? '';
  const token = /^egw_session=([^;]*)/.exec(setCookie)?.[1] ?? '';
  return {
    cookie: `egw_session=${token}`,
    token,
    csrf: res.body.csrfToken as string,
    setCookie,
    body: res.body as Record<string, unknown>,
  };
}

/** Headers of a state-changing call from the console: the cookie and the CSRF token. */
export const asSession = (s: SignedIn) => ({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf });
