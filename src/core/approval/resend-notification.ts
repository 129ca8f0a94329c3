import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';

/**
 * "Resend approval email": raises request.approval-reminder, which the outbox sends to the approvers.
 * Without a mail server or webhook nothing would be sent, so the caller is told instead of being
 * answered as if a reminder had gone out.
 */
export async function resendApprovalNotification(
  deps: { store: Store; clock: Clock },
  input: { requestId: string; actor: string; channelsConfigured: boolean },
): Promise<void> {
  await deps.store.transaction(async (tx) => {
    const request = await tx.requests.get(input.requestId);
    if (!request) throw new CoreError('not_found', 'No such enrolment request');
    if (request.status !== 'pending') {
      throw new CoreError(
        'invalid_state',
        `Only a pending request awaits approval (this one is ${request.status})`,
        {
          details: { status: request.status },
        },
      );
    }
    if (!input.channelsConfigured) {
      throw new CoreError(
        'notifications_not_configured',
        'No mail server (smtp.host) or webhook (webhooks.urls with webhooks.secret) is configured: nobody can be reminded',
      );
    }
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'request.approval-reminder',
      targetType: 'request',
      targetId: request.id,
      data: { profileId: request.profileId },
    });
  });
}
