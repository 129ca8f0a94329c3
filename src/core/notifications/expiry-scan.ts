import { appendAudit } from '../audit/audit-log.js';
import type { Clock, Store } from '../ports.js';
import { enqueueNotification } from './enqueue.js';

/**
 * Raises certificate.expiring once per certificate of an asset entering the warning window. The
 * outbox dedupe key makes a rerun (or a second instance) a no-op.
 */
export async function scanExpiring(
  deps: { store: Store; clock: Clock },
  warningDays: number,
): Promise<number> {
  const now = deps.clock.now();
  const until = new Date(now.getTime() + warningDays * 86_400_000);
  let raised = 0;
  let cursor: string | null = null;
  do {
    const page = await deps.store.search.certificates({
      status: 'valid',
      expiresAfter: now,
      expiresBefore: until,
      sort: 'notAfter',
      cursor,
      limit: 200,
    });
    for (const certificate of page.items) {
      if (!certificate.assetId) continue;
      await deps.store.transaction(async (tx) => {
        const data = { notAfter: certificate.notAfter.toISOString(), assetId: certificate.assetId };
        const fresh = await enqueueNotification(
          tx,
          {
            action: 'certificate.expiring',
            targetType: 'certificate',
            targetId: certificate.serialNumber,
            actor: 'system',
            data,
            at: now,
          },
          `expiring:${certificate.serialNumber}`,
        );
        if (!fresh) return;
        raised++;
        await appendAudit(tx, deps.clock, {
          actor: 'system',
          action: 'certificate.expiry-warned',
          targetType: 'certificate',
          targetId: certificate.serialNumber,
          data,
        });
      });
    }
    cursor = page.next;
  } while (cursor);
  return raised;
}
