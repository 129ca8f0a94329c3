import { appendAudit } from '../audit/audit-log.js';
import type { Clock, Repositories } from '../ports.js';

/** Moves one pending request to `expired`, with its event, inside `tx`; false when it was no longer pending. */
export async function expireRequest(
  tx: Pick<Repositories, 'requests' | 'audit' | 'outbox'>,
  clock: Clock,
  requestId: string,
): Promise<boolean> {
  const moved = await tx.requests.transition(requestId, 'pending', {
    status: 'expired',
    reason: 'No decision before the request expired',
    updatedAt: clock.now(),
  });
  if (moved) {
    await appendAudit(tx, clock, {
      actor: 'system',
      action: 'request.expired',
      targetType: 'request',
      targetId: requestId,
    });
  }
  return moved;
}
