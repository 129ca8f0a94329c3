import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { QueueState, QueueStateRecord } from './queue-state.js';

/** "Change status" of a pending request between new, in progress and on hold; audited. */
export async function changeQueueState(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; state: QueueState; actor: string; comment?: string | null },
): Promise<QueueStateRecord> {
  return deps.store.transaction(async (tx) => {
    const request = await tx.requests.get(input.requestId);
    if (!request) throw new CoreError('not_found', 'No such enrolment request');
    if (request.status !== 'pending') {
      throw new CoreError(
        'invalid_state',
        `Only a pending request has a queue status (this one is ${request.status})`,
        {
          details: { status: request.status },
        },
      );
    }
    const before = (await tx.queueStates.get(request.id))?.state ?? 'new';
    const record: QueueStateRecord = {
      requestId: request.id,
      state: input.state,
      changedBy: input.actor,
      updatedAt: deps.clock.now(),
    };
    await tx.queueStates.set(record);
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'request.queue-state-changed',
      targetType: 'request',
      targetId: request.id,
      data: { from: before, to: input.state, ...(input.comment ? { comment: input.comment } : {}) },
    });
    return record;
  });
}
