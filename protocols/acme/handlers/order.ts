import type { AcmeHandler, AcmeResponse } from '../context.js';
import type { AcmeDeps } from '../context.js';
import type { Order } from '../store.js';
import { wireOrder } from '../wire.js';
import { ownedOrder, refreshOrder } from './shared.js';

/** An order response; `processing` carries Retry-After (§7.4) so clients poll at a sane pace. */
export function orderResponse(deps: AcmeDeps, profile: string, order: Order, status = 200): AcmeResponse {
  return {
    status,
    body: wireOrder(deps.linker, profile, order),
    location: deps.linker.order(profile, order.id),
    ...(order.status === 'processing' || order.status === 'pending'
      ? { retryAfter: deps.options.retryAfterSeconds }
      : {}),
  };
}

/** §7.1.3, POST-as-GET: the order, moved along by its authorizations and its enrolment request. */
export const order: AcmeHandler = async (ctx, deps) => {
  const current = await refreshOrder(deps, await ownedOrder(ctx, deps));
  return orderResponse(deps, ctx.profile.name, current);
};
