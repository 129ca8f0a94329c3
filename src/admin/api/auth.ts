import type { RequestHandler } from 'express';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import type { ResolvedSession } from '../../core/sessions/resolve-session.js';
import type { ApiToken, Role } from '../../core/tokens/token.js';
import { allows, type Permission } from './permissions.js';
import { sessionCookieOf } from './session-cookie.js';

/** Who is calling: an API token's subject or a console user, with the role either carries. */
export interface Caller {
  subject: string;
  role: Role;
  via: 'token' | 'session';
  /** The token's expiry, or the session's absolute limit. */
  expiresAt: Date | null;
}

declare module 'express-serve-static-core' {
  interface Locals {
    caller?: Caller;
    token?: ApiToken;
    session?: ResolvedSession;
  }
}

/** Methods that change nothing (RFC 9110 §9.2.1), so a cross-site request forgery gains nothing from them. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A Bearer API token, else the console's session cookie → res.locals.caller; the caller's subject is
 * the actor of every audited write. A call carrying the cookie that may change something must also
 * carry the session's CSRF token in X-CSRF-Token. A Bearer call needs none: no browser attaches an
 * Authorization header on its own, so a forged request cannot carry one.
 */
export function authenticate(core: Core): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1])
        throw new CoreError('unauthorized', 'Send an API token as "Authorization: Bearer <token>"');
      const token = await core.authenticateToken(match[1]);
      res.locals.token = token;
      res.locals.caller = {
        subject: token.subject,
        role: token.role,
        via: 'token',
        expiresAt: token.expiresAt,
      };
      next();
      return;
    }
    const cookie = sessionCookieOf(req);
    if (!cookie) {
      throw new CoreError(
        'unauthorized',
        'Send an API token as "Authorization: Bearer <token>", or sign in (POST /api/v1/session)',
      );
    }
    const session = await core.resolveSession(cookie);
    if (!safeMethods.has(req.method)) core.checkCsrf(session, req.get('x-csrf-token'));
    res.locals.session = session;
    res.locals.caller = {
      subject: session.user.username,
      role: session.user.role,
      via: 'session',
      expiresAt: session.session.expiresAt,
    };
    next();
  };
}

export function authorize(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const caller = res.locals.caller;
    if (!caller) throw new CoreError('unauthorized');
    if (!allows(caller.role, permission)) {
      throw new CoreError('forbidden', `The ${caller.role} role may not ${permission.replace('.', ' ')}`, {
        details: { permission, role: caller.role },
      });
    }
    next();
  };
}

export function actorOf(locals: { caller?: Caller }): string {
  if (!locals.caller) throw new CoreError('unauthorized');
  return locals.caller.subject;
}
