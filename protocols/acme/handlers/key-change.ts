/**
 * §7.3.5 keyChange: the outer JWS (kid, the old key) carries an inner JWS signed by the new key
 * (jwk, same url, no nonce) whose payload names the account and the old key.
 */
import type { AcmeHandler } from '../context.js';
import {
  assertAlgorithmMatchesKey,
  importJwk,
  isAllowedAlgorithm,
  thumbprint,
  publicMembers,
  verifySignature,
  allowedAlgorithms,
} from '../jws/jwk.js';
import { problem } from '../problems.js';
import { accountOf } from './shared.js';

function json(value: string, what: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw problem.malformed(`The inner JWS ${what} is not base64url JSON`);
}

export const keyChange: AcmeHandler = async (ctx, deps) => {
  const account = accountOf(ctx);
  const inner = ctx.payload as Record<string, unknown>;
  if (
    typeof inner.protected !== 'string' ||
    typeof inner.payload !== 'string' ||
    typeof inner.signature !== 'string'
  ) {
    throw problem.malformed('The keyChange payload must be a flattened JWS');
  }
  if ('header' in inner || 'signatures' in inner)
    throw problem.malformed('The inner JWS may carry no unprotected header');
  const header = json(inner.protected, 'header');
  if (!isAllowedAlgorithm(header.alg)) {
    throw problem.badSignatureAlgorithm('The inner JWS algorithm is not accepted', {
      extra: { algorithms: [...allowedAlgorithms] },
    });
  }
  if (header.kid !== undefined || header.jwk === undefined)
    throw problem.malformed('The inner JWS must carry a jwk and no kid');
  if (header.url !== ctx.url) throw problem.malformed('The inner JWS url must equal the outer url');
  // §7.3.5: "The inner JWS MUST NOT have a nonce header parameter"; only the outer one is redeemed.
  if ('nonce' in header) throw problem.malformed('The inner JWS must not carry a nonce');
  const newKey = importJwk(header.jwk);
  assertAlgorithmMatchesKey(header.alg, newKey.key);
  if (
    !verifySignature(
      header.alg,
      newKey.key,
      `${inner.protected}.${inner.payload}`,
      Buffer.from(inner.signature, 'base64url'),
    )
  ) {
    throw problem.malformed('The inner JWS signature does not verify');
  }
  const body = json(inner.payload, 'payload');
  if (body.account !== deps.linker.account(ctx.profile.name, account.id)) {
    throw problem.malformed('The inner payload account does not match the kid');
  }
  let oldThumbprint = '';
  try {
    oldThumbprint = thumbprint(publicMembers(body.oldKey as Record<string, unknown>));
  } catch {
    throw problem.malformed('The inner payload oldKey is not a JWK');
  }
  if (oldThumbprint !== account.thumbprint) throw problem.malformed('oldKey is not the current account key');
  if (newKey.thumbprint === account.thumbprint) throw problem.malformed('The new key is the current key');
  const holder = await deps.store.accounts.findByThumbprint(ctx.profile.id, newKey.thumbprint);
  if (holder) {
    throw problem.malformed('The new key is already in use by another account', {
      status: 409,
      headers: { Location: deps.linker.account(ctx.profile.name, holder.id) },
    });
  }
  const next = {
    ...account,
    jwk: newKey.jwk,
    thumbprint: newKey.thumbprint,
    updatedAt: deps.core.clock.now(),
  };
  await deps.store.accounts.update(next);
  deps.accounts.put(next);
  return {
    status: 200,
    body: {
      status: next.status,
      contact: next.contact,
      orders: deps.linker.orders(ctx.profile.name, account.id),
    },
  };
};
