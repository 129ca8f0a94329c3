import type { RequestHandler } from 'express';
import type { Core } from '../../core/core.js';
import { CoreError } from '../../core/errors.js';
import type { ApiToken } from '../../core/tokens/token.js';
import { allows, refusalMessage, type Permission } from './permissions.js';

declare module 'express-serve-static-core' {
  interface Locals {
    token?: ApiToken;
  }
}

/** Bearer token → res.locals.token; the token's subject is the actor of every audited write. */
export function authenticate(core: Core): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1])
      throw new CoreError('unauthorized', 'Send an API token as "Authorization: Bearer <token>"');
    res.locals.token = await core.authenticateToken(match[1]);
    next();
  };
}

export function authorize(permission: Permission): RequestHandler {
  return (_req, res, next) => {
    const token = res.locals.token;
    if (!token) throw new CoreError('unauthorized');
    if (!allows(token.role, permission)) {
      throw new CoreError('forbidden', refusalMessage(token.role, permission), {
        details: { permission, role: token.role },
      });
    }
    next();
  };
}

export function actorOf(locals: { token?: ApiToken }): string {
  if (!locals.token) throw new CoreError('unauthorized');
  return locals.token.subject;
}
