import { appendAudit } from '../audit/audit-log.js';
import type { Clock, Store } from '../ports.js';

/** Erases sealed P12 keys past their expiry; returns how many. */
export async function purgeExpiredP12Keys(deps: { store: Store; clock: Clock }): Promise<number> {
  const erased = await deps.store.transaction(async (tx) => {
    const ids = await tx.p12Deliveries.purgeExpired(deps.clock.now());
    for (const id of ids) {
      await appendAudit(tx, deps.clock, {
        actor: 'system',
        action: 'p12.key-erased',
        targetType: 'request',
        targetId: id,
        data: { why: 'expired' },
      });
    }
    return ids.length;
  });
  if (erased > 0) await deps.store.scrubErased();
  return erased;
}
