import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

/** §6.2: every POST carries Content-Type application/jose+json; anything else is 415. */
export const joseContentType: JwsRule = (ctx) => {
  const type = ctx.contentType?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/jose+json') {
    throw problem.malformed('The Content-Type must be application/jose+json', { status: 415 });
  }
};
