import { appendAudit } from '../audit/audit-log.js';
import type { ResolvedSession } from './resolve-session.js';
import type { SessionDeps } from './sign-in.js';

/** Ends the session (the cookie no longer opens anything) and records who signed out from where. */
export async function signOut(
  deps: SessionDeps,
  resolved: ResolvedSession,
  clientAddress: string | null,
): Promise<void> {
  const { store, clock } = deps;
  await store.transaction(async (tx) => {
    if (!(await tx.sessions.end(resolved.session.id, clock.now(), 'signed-out'))) return;
    await appendAudit(tx, clock, {
      actor: resolved.user.username,
      action: 'session.signed-out',
      targetType: 'console-user',
      targetId: resolved.user.id,
      data: { session: resolved.session.id, clientAddress },
    });
  });
}
