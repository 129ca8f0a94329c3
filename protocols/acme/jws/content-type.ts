import { charsetProblem } from '../../../src/http/input-guard.js';
import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

/**
 * §6.2: every POST carries Content-Type application/jose+json; anything else is 415. A declared
 * charset must be UTF-8 (RFC 8259 §8.1), any case: the JWS members are ASCII, but a client that
 * declares another charset is not sending what it thinks it is.
 */
export const joseContentType: JwsRule = (ctx) => {
  const type = ctx.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/jose+json') {
    throw problem.malformed('The Content-Type must be application/jose+json', { status: 415 });
  }
  const charset = charsetProblem(ctx.contentType);
  if (charset) throw problem.malformed(charset.message, { status: 415 });
};
