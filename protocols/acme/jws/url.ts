import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

/** §6.4: the `url` header equals the URL the request was sent to, query included. */
export const urlMatches: JwsRule = (ctx) => {
  if (ctx.header?.url !== ctx.url) {
    throw problem.unauthorized(`The JWS url header does not match the request URL ${ctx.url}`);
  }
};
