import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import { assertNameText } from '../policy/name-text.js';
import type { Clock, Store } from '../ports.js';
import type { Role } from '../tokens/token.js';
import type { Principal } from './principal.js';

/** Records a user's or service account's role and notification address. */
export async function savePrincipal(
  deps: { store: Store; clock: Clock },
  input: { subject: string; role: Role; email?: string | null; actor: string },
): Promise<Principal> {
  assertNameText('The principal subject', input.subject);
  const email = input.email?.trim() || null;
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new CoreError('invalid_input', 'The email address is malformed', { details: { field: 'email' } });
  }
  return deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    const existing = await tx.principals.get(input.subject);
    const principal: Principal = {
      subject: input.subject,
      role: input.role,
      email: email ?? existing?.email ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await tx.principals.upsert(principal);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'principal.saved',
      targetType: 'principal',
      targetId: principal.subject,
      data: { role: principal.role, hasEmail: principal.email !== null },
    });
    return principal;
  });
}
