import type { AcmeHandler } from '../context.js';
import { link } from '../links.js';
import { problem } from '../problems.js';
import type { Account } from '../store.js';
import { wireAccount } from '../wire.js';
import { parseContact } from './contact.js';
import { accountOf, param } from './shared.js';

function sameAccount(ctx: Parameters<AcmeHandler>[0]): Account {
  const account = accountOf(ctx);
  if (param(ctx, 'id') !== account.id) throw problem.unauthorized('The kid does not match the account URL');
  return account;
}

/**
 * §7.3.2 and §7.3.6: POST-as-GET reads the account; a payload updates the contact or deactivates
 * the account (final: later requests with its key are unauthorized). Clients may restate the whole
 * account object (acme-python does), so, as §7.3.2 requires, `orders`, `termsOfServiceAgreed`,
 * and any field not recognized here are ignored, and `status` may restate the current one.
 */
export const account: AcmeHandler = async (ctx, deps) => {
  const current = sameAccount(ctx);
  const name = ctx.profile.name;
  if (ctx.payload === undefined) return { status: 200, body: wireAccount(deps.linker, name, current) };
  const payload = ctx.payload as Record<string, unknown>;
  const next: Account = { ...current, updatedAt: deps.core.clock.now() };
  if ('status' in payload && payload.status !== current.status) {
    if (payload.status !== 'deactivated')
      throw problem.malformed('An account can only be set to deactivated');
    next.status = 'deactivated';
  }
  if (payload.contact !== undefined) next.contact = parseContact(payload.contact);
  await deps.store.accounts.update(next);
  deps.accounts.put(next);
  return { status: 200, body: wireAccount(deps.linker, name, next) };
};

/** §7.1.2.1: the account's orders, a page at a time with Link rel="next". */
export const orders: AcmeHandler = async (ctx, deps) => {
  const current = sameAccount(ctx);
  const cursor = ctx.query.cursor ?? null;
  if (cursor !== null && !/^[A-Za-z0-9_-]{1,200}$/.test(cursor))
    throw problem.malformed('The cursor is malformed');
  const page = await deps.store.orders.listIds(current.id, { cursor, limit: deps.options.ordersPageSize });
  const name = ctx.profile.name;
  return {
    status: 200,
    body: { orders: page.items.map((id) => deps.linker.order(name, id)) },
    links: page.next ? [link(deps.linker.orders(name, current.id, page.next), 'next')] : [],
  };
};
