import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../audit/event.js';
import type { AppendRepositories } from '../ports.js';

/**
 * The audit actions someone is told about (PRODUCT.md "Approval"): approvers of a new pending
 * request, the requester of the decision, the asset owner of issuance and coming expiry. Webhooks
 * receive all of them.
 */
export const notifiableActions: ReadonlySet<string> = new Set([
  'request.submitted',
  'request.approval-reminder',
  'request.approved',
  'request.rejected',
  'request.expired',
  'certificate.issued',
  'certificate.revoked',
  'certificate.expiring',
  'code.locked',
]);

/** Writes the outbox event of `event` inside the caller's transaction; false for a repeated dedupeKey. */
export async function enqueueNotification(
  tx: Pick<AppendRepositories, 'outbox'>,
  event: Pick<AuditEvent, 'action' | 'targetType' | 'targetId' | 'actor' | 'data' | 'at'>,
  dedupeKey: string | null = null,
): Promise<boolean> {
  if (!notifiableActions.has(event.action)) return false;
  return tx.outbox.enqueue({
    id: randomUUID(),
    event: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    actor: event.actor,
    data: event.data,
    dedupeKey,
    expanded: false,
    createdAt: event.at,
  });
}
