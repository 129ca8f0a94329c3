import { allowedAlgorithms, isAllowedAlgorithm } from './jwk.js';
import { problem } from '../problems.js';
import type { ProtectedHeader } from '../context.js';
import type { JwsRule } from './rule.js';

/** RFC 7515 §2 base64url: the URL-safe alphabet, no padding, and no length that encodes no octets. */
function isBase64url(value: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(value) && value.length % 4 !== 1;
}

/**
 * §6.2: the protected header is a JSON object naming `alg` from the allow-list (never `none` or a
 * MAC), a `nonce`, the `url`, and exactly one of `jwk` and `kid`.
 */
export const protectedHeader: JwsRule = (ctx) => {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(ctx.jws?.protected ?? '', 'base64url').toString('utf8'));
  } catch {
    throw problem.malformed('The JWS protected header is not base64url JSON');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw problem.malformed('The JWS protected header is not a JSON object');
  }
  const h = header as Record<string, unknown>;
  if (!isAllowedAlgorithm(h.alg)) {
    throw problem.badSignatureAlgorithm(`The algorithm ${JSON.stringify(h.alg ?? null)} is not accepted`, {
      extra: { algorithms: [...allowedAlgorithms] },
    });
  }
  if ('b64' in h || 'crit' in h) throw problem.malformed('The JWS header may not use b64 or crit');
  if (typeof h.url !== 'string' || h.url === '')
    throw problem.malformed('The JWS protected header has no url');
  // §6.5: a missing nonce is badNonce; §6.5.2: one that is not base64url is malformed.
  if (h.nonce === undefined || h.nonce === '')
    throw problem.badNonce('The JWS protected header has no nonce');
  if (typeof h.nonce !== 'string' || !isBase64url(h.nonce))
    throw problem.malformed('The JWS nonce is not base64url');
  const hasJwk = h.jwk !== undefined;
  const hasKid = h.kid !== undefined;
  if (hasJwk === hasKid)
    throw problem.malformed('The JWS protected header must carry exactly one of jwk and kid');
  if (hasKid && typeof h.kid !== 'string') throw problem.malformed('The kid must be a string');
  if (hasJwk && (typeof h.jwk !== 'object' || h.jwk === null || Array.isArray(h.jwk))) {
    throw problem.malformed('The jwk must be a JSON object');
  }
  ctx.header = h as unknown as ProtectedHeader;
};

/** §6.2: newAccount (and the inner keyChange JWS) are signed by a bare `jwk`. */
export const requireJwk: JwsRule = (ctx) => {
  if (!ctx.header?.jwk) throw problem.malformed('This resource requires a jwk, not a kid');
};

/** §6.2: every other request names its account with `kid`. */
export const requireKid: JwsRule = (ctx) => {
  if (!ctx.header?.kid) throw problem.malformed('This resource requires a kid, not a jwk');
};
