/**
 * Console sign-in (docs: README "Console sign-in"). The routes are public in the route table: each
 * reads the session cookie itself. Sign-in takes a JSON body only, so a cross-site form cannot sign a
 * browser in to someone else's account (login CSRF): a cross-origin JSON POST needs a CORS preflight,
 * which this API never grants.
 */
import { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { ConsoleUser } from '../../core/console-users/console-user.js';
import { CoreError, isCoreError } from '../../core/errors.js';
import type { ResolvedSession } from '../../core/sessions/resolve-session.js';
import { roles } from '../../core/tokens/token.js';
import { route, WithStatus, type RouteSpec } from './route-table.js';
import { clearedSessionCookie, clientAddressOf, sessionCookie, sessionCookieOf } from './session-cookie.js';

const role = z.enum(roles as ['admin', 'operator', 'approver', 'auditor']);
const date = z.string().describe('ISO 8601 date-time');

export const sessionUser = z.object({
  id: z.string(),
  username: z.string(),
  role,
  email: z.string().optional(),
});

const sessionView = z.object({
  user: sessionUser,
  csrfToken: z.string().describe('Send it as X-CSRF-Token on every POST, PUT, PATCH and DELETE'),
  expiresAt: date.describe('The absolute end of the session, whatever the activity'),
  idleTimeoutSeconds: z.number().int().describe('The session ends after this long without a call'),
});

function userOut(user: ConsoleUser): z.output<typeof sessionUser> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    ...(user.email ? { email: user.email } : {}),
  };
}

function view(core: Core, s: Pick<ResolvedSession, 'user' | 'session' | 'csrfToken'>) {
  return {
    user: userOut(s.user),
    csrfToken: s.csrfToken,
    expiresAt: s.session.expiresAt.toISOString(),
    idleTimeoutSeconds: core.console.sessionIdleMinutes * 60,
  };
}

export function sessionRoutes(core: Core): RouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/session',
      operationId: 'signIn',
      summary: 'Sign in to the console: sets the egw_session cookie (HttpOnly, Secure, SameSite=Strict)',
      tag: 'session',
      permission: null,
      body: z.object({
        username: z.string().min(1).max(256),
        password: z.string().min(1).max(1024),
      }),
      response: { status: 200, schema: sessionView },
      errors: [401, 423],
      handler: async ({ body, req }) => {
        const open = await core.signIn({
          username: body.username,
          password: body.password,
          clientAddress: clientAddressOf(req),
        });
        return new WithStatus(200, view(core, open), { 'set-cookie': sessionCookie(open.token) });
      },
    }),
    route({
      method: 'get',
      path: '/session',
      operationId: 'getSession',
      summary: 'The signed-in console user, the CSRF token and the session limits (401 when signed out)',
      tag: 'session',
      permission: null,
      response: { status: 200, schema: sessionView },
      errors: [401],
      handler: async ({ req }) => {
        const cookie = sessionCookieOf(req);
        if (!cookie) throw new CoreError('unauthorized', 'Sign in first');
        return view(core, await core.resolveSession(cookie));
      },
    }),
    route({
      method: 'delete',
      path: '/session',
      operationId: 'signOut',
      summary: 'Sign out: ends the session in the store and clears the cookie (needs X-CSRF-Token)',
      tag: 'session',
      permission: null,
      response: { status: 204, description: 'Signed out (also when no session was open)' },
      errors: [403],
      handler: async ({ req }) => {
        const cookie = sessionCookieOf(req);
        const cleared = { 'set-cookie': clearedSessionCookie() };
        if (!cookie) return new WithStatus(204, undefined, cleared);
        let session: ResolvedSession;
        try {
          session = await core.resolveSession(cookie);
        } catch (err) {
          // Already ended or expired: nothing left to protect, only the cookie to drop.
          if (isCoreError(err, 'unauthorized')) return new WithStatus(204, undefined, cleared);
          throw err;
        }
        core.checkCsrf(session, req.get('x-csrf-token'));
        await core.signOut(session, clientAddressOf(req));
        return new WithStatus(204, undefined, cleared);
      },
    }),
  ];
}
