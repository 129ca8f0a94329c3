import { problem } from '../problems.js';
import { assertAlgorithmMatchesKey, importJwk, verifySignature } from './jwk.js';
import type { JwsRule } from './rule.js';
import type { Account } from '../store.js';
import type { AccountKey } from './jwk.js';

/**
 * Imported account keys by thumbprint: importing a JWK costs about as much as verifying with it,
 * and every request of an account uses the same key. Keyed by thumbprint, so a rolled-over key
 * is simply a different entry; bounded by clearing when full.
 */
const keyCache = new Map<string, AccountKey>();

function accountKeyOf(account: Account): AccountKey {
  let key = keyCache.get(account.thumbprint);
  if (!key) {
    key = importJwk(account.jwk);
    if (keyCache.size >= 10_000) keyCache.clear();
    keyCache.set(account.thumbprint, key);
  }
  return key;
}

/**
 * §6.2: the signature verifies with the `jwk`, or with the key of the account `kid` names. A `kid`
 * must be an account URL of this directory; an unknown one is accountDoesNotExist, a deactivated
 * or revoked account is unauthorized (§7.3.6).
 */
export const signature: JwsRule = async (ctx, deps) => {
  const header = ctx.header;
  const jws = ctx.jws;
  if (!header || !jws) throw problem.malformed();
  if (header.kid !== undefined) {
    const id = deps.linker.accountIdFromKid(ctx.profile.name, header.kid);
    const account = id ? await deps.store.accounts.get(id) : null;
    if (!account || account.profileId !== ctx.profile.id) {
      throw problem.accountDoesNotExist('The kid does not name an account of this directory');
    }
    ctx.account = account;
    ctx.key = accountKeyOf(account);
  } else {
    ctx.key = importJwk(header.jwk);
  }
  assertAlgorithmMatchesKey(header.alg, ctx.key.key);
  const sig = Buffer.from(jws.signature, 'base64url');
  if (!verifySignature(header.alg, ctx.key.key, `${jws.protected}.${jws.payload}`, sig)) {
    throw problem.malformed('The JWS signature does not verify');
  }
  if (ctx.account && ctx.account.status !== 'valid') {
    throw problem.unauthorized(`The account is ${ctx.account.status}`);
  }
};
