import type { AcmeHandler } from '../context.js';
import { problem } from '../problems.js';
import type { Authorization } from '../store.js';
import { wireAuthorization } from '../wire.js';
import { mayOrder } from '../account-approval.js';
import { newAuthorization } from './new-order.js';
import { parseIdentifiers } from './identifiers.js';
import { ownedAuthz } from './shared.js';

/** §7.5: POST-as-GET reads an authorization; `{"status":"deactivated"}` deactivates it (§7.5.2). */
export const authz: AcmeHandler = async (ctx, deps) => {
  const current = await ownedAuthz(ctx, deps);
  const name = ctx.profile.name;
  if (ctx.payload === undefined) {
    return {
      status: 200,
      body: wireAuthorization(deps.linker, name, current),
      ...(current.status === 'pending' ? { retryAfter: deps.options.retryAfterSeconds } : {}),
    };
  }
  const payload = ctx.payload as Record<string, unknown>;
  if (payload.status !== 'deactivated')
    throw problem.malformed('An authorization can only be set to deactivated');
  if (current.status !== 'pending' && current.status !== 'valid') {
    throw problem.malformed(`A ${current.status} authorization cannot be deactivated`);
  }
  const next: Authorization = { ...current, status: 'deactivated', updatedAt: deps.core.clock.now() };
  if (!(await deps.store.authorizations.update(next, current.status))) {
    throw problem.malformed('The authorization changed concurrently; retry');
  }
  return { status: 200, body: wireAuthorization(deps.linker, name, next) };
};

/** §7.4.1: pre-authorization of one identifier outside any order. */
export const newAuthz: AcmeHandler = async (ctx, deps) => {
  const account = await mayOrder(ctx, deps);
  await deps.rateLimiter.takeNewOrder(account.id);
  const payload = ctx.payload as Record<string, unknown>;
  const [identifier] = parseIdentifiers([payload.identifier], ctx.profile, 1);
  if (!identifier) throw problem.malformed('identifier is required');
  if (identifier.value.startsWith('*.'))
    throw problem.rejectedIdentifier('Wildcards cannot be pre-authorized (§7.4.1)');
  const created = newAuthorization(ctx, deps, account, identifier);
  await deps.store.authorizations.create(created);
  return {
    status: 201,
    location: deps.linker.authz(ctx.profile.name, created.id),
    body: wireAuthorization(deps.linker, ctx.profile.name, created),
  };
};
