import { problem } from '../problems.js';
import type { JwsRule } from './rule.js';

const B64U = /^[A-Za-z0-9_-]*$/;

/**
 * §6.2: the body is a flattened JWS JSON object with exactly `protected`, `payload` and
 * `signature`; no unprotected `header`, no general serialization with several `signatures`.
 */
export const flattenedJson: JwsRule = (ctx) => {
  let body: unknown;
  try {
    body = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    throw problem.malformed('The request body is not JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw problem.malformed('The JWS is not a JSON object');
  const jws = body as Record<string, unknown>;
  if ('signatures' in jws)
    throw problem.malformed('The JWS must use the flattened JSON serialization, with one signature');
  if ('header' in jws) throw problem.malformed('The JWS may carry no unprotected header');
  for (const member of ['protected', 'payload', 'signature'] as const) {
    const value = jws[member];
    if (typeof value !== 'string' || !B64U.test(value))
      throw problem.malformed(`The JWS ${member} is missing or not base64url`);
  }
  const unknown = Object.keys(jws).filter((k) => !['protected', 'payload', 'signature'].includes(k));
  if (unknown.length > 0) throw problem.malformed(`Unexpected JWS members: ${unknown.join(', ')}`);
  // An empty signature is left to the header and signature rules: with alg "none" it is
  // badSignatureAlgorithm (§6.2), otherwise a signature that does not verify.
  if (jws.protected === '') throw problem.malformed('The JWS protected header must not be empty');
  ctx.jws = {
    protected: jws.protected as string,
    payload: jws.payload as string,
    signature: jws.signature as string,
  };
};
