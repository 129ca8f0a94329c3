import { randomBytes, randomUUID } from 'node:crypto';
import type { AcmeContext, AcmeDeps, AcmeHandler } from '../context.js';
import { problem } from '../problems.js';
import type { Account, Authorization, Challenge, Identifier, Order } from '../store.js';
import { parseIdentifiers } from './identifiers.js';
import { orderResponse } from './order.js';
import { checkReplaces } from './renewal-info.js';
import { mayOrder } from '../account-approval.js';

export function newId(): string {
  return randomUUID().replace(/-/g, '');
}

/** §8: the challenge types offered for an identifier; a wildcard can only be proven through DNS (§7.1.3). */
export function challengesFor(deps: AcmeDeps, identifier: Identifier, wildcard: boolean): Challenge[] {
  const types = deps.validator.types.filter((t) =>
    wildcard ? t === 'dns-01' : identifier.type === 'ip' ? t !== 'dns-01' : true,
  );
  return types.map((type) => ({
    type,
    token: randomBytes(32).toString('base64url'),
    status: 'pending',
    validated: null,
    error: null,
  }));
}

/** A new pending authorization for `identifier` (a `*.` prefix makes it a wildcard authorization). */
export function newAuthorization(
  ctx: AcmeContext,
  deps: AcmeDeps,
  account: Account,
  identifier: Identifier,
): Authorization {
  const now = deps.core.clock.now();
  const wildcard = identifier.type === 'dns' && identifier.value.startsWith('*.');
  const base: Identifier = wildcard ? { type: 'dns', value: identifier.value.slice(2) } : identifier;
  const challenges = challengesFor(deps, base, wildcard);
  if (challenges.length === 0)
    throw problem.rejectedIdentifier(`No enabled challenge can prove ${identifier.value}`);
  return {
    id: newId(),
    accountId: account.id,
    profileId: ctx.profile.id,
    identifier: base,
    wildcard,
    status: 'pending',
    expiresAt: new Date(now.getTime() + deps.options.authzLifetimeSeconds * 1000),
    challenges,
    createdAt: now,
    updatedAt: now,
  };
}

function optionalDate(value: unknown, field: string): Date | null {
  if (value === undefined) return null;
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw problem.malformed(`${field} must be an RFC 3339 date`);
  return date;
}

/** §7.4: newOrder, reusing the account's recent valid authorizations within the configured window. */
export const newOrder: AcmeHandler = async (ctx, deps) => {
  const account = await mayOrder(ctx, deps);
  await deps.rateLimiter.takeNewOrder(account.id);
  const payload = ctx.payload as Record<string, unknown>;
  const identifiers = parseIdentifiers(payload.identifiers, ctx.profile, deps.options.maxIdentifiers);
  // draft-ietf-acme-profiles: each directory issues one profile; naming another is an error.
  if (payload.profile !== undefined && payload.profile !== ctx.profile.name) {
    throw problem.invalidProfile(`This directory issues profile "${ctx.profile.name}" only`);
  }
  const now = deps.core.clock.now();
  const notBefore = optionalDate(payload.notBefore, 'notBefore');
  const notAfter = optionalDate(payload.notAfter, 'notAfter');
  // §7.4: the certificate is issued for the profile's validity; a requested window must fit in it.
  const maxMs = ctx.profile.validityDays * 86_400_000;
  if (
    notBefore &&
    (notBefore.getTime() < now.getTime() - 86_400_000 || notBefore.getTime() > now.getTime() + maxMs)
  ) {
    throw problem.malformed('notBefore is outside what this profile allows');
  }
  if (
    notAfter &&
    (notAfter <= (notBefore ?? now) || notAfter.getTime() - (notBefore ?? now).getTime() > maxMs)
  ) {
    throw problem.malformed(
      `notAfter must be after notBefore and within ${ctx.profile.validityDays} days of it`,
    );
  }
  const replaces =
    payload.replaces === undefined ? null : await checkReplaces(ctx, deps, account, payload.replaces);

  const authorizations: Authorization[] = [];
  const fresh: Authorization[] = [];
  const reuseAfter = new Date(now.getTime() - deps.options.authzReuseSeconds * 1000);
  for (const identifier of identifiers) {
    const wildcard = identifier.type === 'dns' && identifier.value.startsWith('*.');
    const base: Identifier = wildcard ? { type: 'dns', value: identifier.value.slice(2) } : identifier;
    const reusable =
      deps.options.authzReuseSeconds > 0
        ? await deps.store.authorizations.findValid(account.id, base, wildcard, now)
        : null;
    if (reusable && reusable.updatedAt >= reuseAfter) {
      authorizations.push(reusable);
    } else {
      const authz = newAuthorization(ctx, deps, account, identifier);
      authorizations.push(authz);
      fresh.push(authz);
    }
  }
  const order: Order = {
    id: newId(),
    accountId: account.id,
    profileId: ctx.profile.id,
    status: fresh.length === 0 ? 'ready' : 'pending',
    identifiers,
    authorizationIds: authorizations.map((a) => a.id),
    notBefore,
    notAfter,
    expiresAt: new Date(now.getTime() + deps.options.orderLifetimeSeconds * 1000),
    error: null,
    certificateSerial: null,
    replaces,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.orders.create(order, fresh);
  return orderResponse(deps, ctx.profile.name, order, 201);
};
