import { problem } from '../problems.js';
import { assertAlgorithmMatchesKey, importJwk, verifySignature } from './jwk.js';
import type { JwsRule } from './rule.js';
import type { Account } from '../store.js';
import type { AccountKey } from './jwk.js';
import type { AcmeContext, AcmeDeps } from '../context.js';

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

/** Whether the request's JWS verifies with `key` (false, not an error, when the alg does not fit it). */
function verifiesWith(ctx: AcmeContext, key: AccountKey): boolean {
  const { header, jws } = ctx;
  if (!header || !jws) return false;
  try {
    assertAlgorithmMatchesKey(header.alg, key.key);
  } catch {
    return false;
  }
  return verifySignature(
    header.alg,
    key.key,
    `${jws.protected}.${jws.payload}`,
    Buffer.from(jws.signature, 'base64url'),
  );
}

/**
 * §6.2: the signature verifies with the `jwk`, or with the key of the account `kid` names. A `kid`
 * must be an account URL of this directory; an unknown one is accountDoesNotExist, a deactivated
 * or revoked account is unauthorized (§7.3.6). The account may come from a snapshot (see
 * AccountCache); replayNonce then confirms it against the database.
 */
export const signature: JwsRule = async (ctx, deps) => {
  const header = ctx.header;
  const jws = ctx.jws;
  if (!header || !jws) throw problem.malformed();
  let verified = false;
  if (header.kid !== undefined) {
    const id = deps.linker.accountIdFromKid(ctx.profile.name, header.kid);
    const snapshot = id ? deps.accounts.peek(id) : undefined;
    let account = snapshot ?? (id ? await deps.accounts.load(id) : null);
    if (snapshot && id) {
      verified = verifiesWith(ctx, accountKeyOf(snapshot));
      // The snapshot may hold a key since rolled over on another instance: read the account, retry.
      if (!verified) account = await deps.accounts.load(id);
    }
    if (!account || account.profileId !== ctx.profile.id) {
      throw problem.accountDoesNotExist('The kid does not name an account of this directory');
    }
    ctx.account = account;
    ctx.key = accountKeyOf(account);
  } else {
    ctx.key = importJwk(header.jwk);
  }
  if (!verified) {
    assertAlgorithmMatchesKey(header.alg, ctx.key.key);
    const sig = Buffer.from(jws.signature, 'base64url');
    if (!verifySignature(header.alg, ctx.key.key, `${jws.protected}.${jws.payload}`, sig)) {
      throw problem.malformed('The JWS signature does not verify');
    }
  }
  if (ctx.account && ctx.account.status !== 'valid') {
    throw problem.unauthorized(`The account is ${ctx.account.status}`);
  }
};

/**
 * Called by replayNonce with the account row read in the nonce's statement: that row, not the
 * snapshot the signature was checked against, is the account this request acts as. A key rolled
 * over since the snapshot must verify the request; a deactivated account is refused.
 */
export function confirmAccount(ctx: AcmeContext, deps: AcmeDeps, current: Account | null): void {
  const seen = ctx.account;
  if (!seen) return;
  if (!current || current.profileId !== ctx.profile.id) {
    deps.accounts.forget(seen.id);
    throw problem.accountDoesNotExist('The kid does not name an account of this directory');
  }
  if (current.thumbprint !== seen.thumbprint) {
    const key = accountKeyOf(current);
    if (!verifiesWith(ctx, key)) {
      deps.accounts.forget(seen.id);
      throw problem.malformed('The JWS signature does not verify with the account key');
    }
    ctx.key = key;
  }
  deps.accounts.put(current);
  ctx.account = current;
  if (current.status !== 'valid') throw problem.unauthorized(`The account is ${current.status}`);
}
