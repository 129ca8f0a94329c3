/**
 * Loading and refreshing what handlers share: owned resources, and order/authorization status
 * derived lazily (§7.1.6) from the authorizations and the core's enrolment request, so that any
 * instance serving a poll computes the same state.
 */
import type { AcmeContext, AcmeDeps } from '../context.js';
import { problem, subproblem, urn, type ProblemDocument } from '../problems.js';
import type { Account, Authorization, Order } from '../store.js';

export function accountOf(ctx: AcmeContext): Account {
  if (!ctx.account) throw problem.accountDoesNotExist();
  return ctx.account;
}

export function param(ctx: AcmeContext, name: string): string {
  const value = ctx.params[name] ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) throw problem.malformed(`No such resource`, { status: 404 });
  return value;
}

/** The order named in the URL, if it belongs to the signing account (404 otherwise: no oracle). */
export async function ownedOrder(ctx: AcmeContext, deps: AcmeDeps, id = param(ctx, 'id')): Promise<Order> {
  const order = await deps.store.orders.get(id);
  if (!order || order.accountId !== accountOf(ctx).id)
    throw problem.malformed('No such order', { status: 404 });
  return order;
}

export async function ownedAuthz(
  ctx: AcmeContext,
  deps: AcmeDeps,
  id = param(ctx, 'id'),
): Promise<Authorization> {
  const authz = await deps.store.authorizations.get(id);
  if (!authz || authz.accountId !== accountOf(ctx).id) {
    throw problem.malformed('No such authorization', { status: 404 });
  }
  return refreshAuthz(deps, authz);
}

/** A pending authorization past its expiry becomes expired (§7.1.6). */
export async function refreshAuthz(deps: AcmeDeps, authz: Authorization): Promise<Authorization> {
  const now = deps.core.clock.now();
  if ((authz.status === 'pending' || authz.status === 'valid') && authz.expiresAt <= now) {
    const next: Authorization = { ...authz, status: 'expired', updatedAt: now };
    await deps.store.authorizations.update(next, authz.status);
    return next;
  }
  return authz;
}

function failedAuthzProblem(authzs: Authorization[]): ProblemDocument {
  const subproblems = authzs
    .filter((a) => a.status !== 'valid')
    .map((a) => {
      const err = a.challenges.find((c) => c.error)?.error;
      return err
        ? { ...err, identifier: a.identifier }
        : subproblem('unauthorized', a.identifier, `The authorization is ${a.status}`);
    });
  return {
    type: urn('unauthorized'),
    detail: 'An authorization of this order failed',
    status: 403,
    ...(subproblems.length ? { subproblems } : {}),
  };
}

/** Moves an order along as far as its authorizations and enrolment request allow, persisting the change. */
/** How long a finalize may take to record its request before the order counts as interrupted. */
export const interruptedFinalizeMs = 60_000;

export async function refreshOrder(
  deps: AcmeDeps,
  order: Order,
  options: { persistReady?: boolean } = {},
): Promise<Order> {
  const now = deps.core.clock.now();
  let next: Order | null = null;
  if ((order.status === 'pending' || order.status === 'ready') && order.expiresAt <= now) {
    next = { ...order, status: 'invalid', error: problem.malformed('The order expired').toJSON() };
  } else if (order.status === 'pending') {
    const authzs = await Promise.all(
      (await deps.store.authorizations.getMany(order.authorizationIds)).map((a) => refreshAuthz(deps, a)),
    );
    if (authzs.some((a) => a.status !== 'valid' && a.status !== 'pending')) {
      next = { ...order, status: 'invalid', error: failedAuthzProblem(authzs) };
    } else if (authzs.length === order.authorizationIds.length && authzs.every((a) => a.status === 'valid')) {
      next = { ...order, status: 'ready' };
    }
  } else if (order.status === 'processing') {
    const request = await deps.core.store.requests.findByExternalRef('acme', order.id);
    if (request?.status === 'issued' && request.certificateSerial) {
      next = { ...order, status: 'valid', certificateSerial: request.certificateSerial };
    } else if (request && ['rejected', 'failed', 'expired'].includes(request.status)) {
      const reason = request.reason ? `: ${request.reason}` : '';
      next = {
        ...order,
        status: 'invalid',
        error: problem.unauthorized(`The certificate request was ${request.status}${reason}`).toJSON(),
      };
    } else if (!request && now.getTime() - order.updatedAt.getTime() > interruptedFinalizeMs) {
      // finalize marks the order processing before the core records the request; no request long
      // after means that finalize died in between. Polling would never end: fail the order (§7.1.6).
      next = {
        ...order,
        status: 'invalid',
        error: problem.serverInternal('Issuance was interrupted; create a new order').toJSON(),
      };
    }
  }
  if (!next) return order;
  next.updatedAt = now;
  if (next.status === 'ready' && options.persistReady === false) return next;
  if (await deps.store.orders.update(next, order.status)) return next;
  // Someone else moved it first: read what they wrote.
  return (await deps.store.orders.get(order.id)) ?? order;
}
