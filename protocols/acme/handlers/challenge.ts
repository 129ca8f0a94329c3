import type { AcmeHandler, AcmeResponse } from '../context.js';
import { link } from '../links.js';
import { problem } from '../problems.js';
import type { Authorization, Challenge } from '../store.js';
import { wireChallenge } from '../wire.js';
import { accountOf, ownedAuthz } from './shared.js';

function isChallengeType(value: string): value is Challenge['type'] {
  return value === 'http-01' || value === 'dns-01' || value === 'tls-alpn-01';
}

/**
 * §7.5.1: an empty object starts validation (answered at once, `processing`); POST-as-GET reads
 * the challenge. Every answer links its authorization with rel="up" (certbot needs it). A POST to
 * a challenge already valid or invalid answers 200 with it, as Let's Encrypt does.
 */
export const challenge: AcmeHandler = async (ctx, deps) => {
  const type = ctx.params.type ?? '';
  const authz = await ownedAuthz(ctx, deps);
  const found = isChallengeType(type) ? authz.challenges.find((c) => c.type === type) : undefined;
  if (!found) throw problem.malformed('No such challenge', { status: 404 });
  const name = ctx.profile.name;
  const respond = (a: Authorization, c: Challenge): AcmeResponse => ({
    status: 200,
    body: wireChallenge(deps.linker, name, a, c),
    links: [link(deps.linker.authz(name, a.id), 'up')],
    ...(c.status === 'processing' || c.status === 'pending'
      ? { retryAfter: deps.options.retryAfterSeconds }
      : {}),
  });
  if (ctx.payload === undefined) return respond(authz, found);
  if (Object.keys(ctx.payload as object).length > 0) {
    throw problem.malformed('A challenge is answered with an empty JSON object');
  }
  if (found.status !== 'pending' || authz.status !== 'pending') return respond(authz, found);
  const next: Authorization = {
    ...authz,
    updatedAt: deps.core.clock.now(),
    challenges: authz.challenges.map((c) => (c.type === found.type ? { ...c, status: 'processing' } : c)),
  };
  // Only one challenge of an authorization may be attempted (§7.1.4: the others stay pending).
  if (authz.challenges.some((c) => c.status === 'processing')) return respond(authz, found);
  if (!(await deps.store.authorizations.update(next, 'pending'))) return respond(authz, found);
  const account = accountOf(ctx);
  deps.validator.start(account, next, found.type, {
    ...(ctx.profile.acme.caaCheck ? { caa: { accountUri: deps.linker.account(name, account.id) } } : {}),
  });
  return respond(next, { ...found, status: 'processing' });
};
