import { appendAudit } from '../audit/audit-log.js';
import { issueApproved, type Issued } from '../enrollment/issue.js';
import type { EnrollmentRequest } from '../enrollment/request.js';
import { resolveProfile, type SubmitDeps } from '../enrollment/submit.js';
import { CoreError, isCoreError } from '../errors.js';
import { expireRequest } from './expire.js';
import { samePrincipal } from '../principals/principal-key.js';

export interface DecisionInput {
  requestId: string;
  actor: string;
  decision: 'approve' | 'reject';
  /** Required for a rejection: it becomes the reason the requester is told. */
  comment?: string | null;
}

export type DecisionResult =
  | { outcome: 'recorded'; request: EnrollmentRequest; approvals: number; approvalsNeeded: number }
  | { outcome: 'rejected'; request: EnrollmentRequest }
  /** An account registration: approved, nothing to issue. */
  | { outcome: 'approved'; request: EnrollmentRequest }
  | ({ outcome: 'issued' } & Issued);

/**
 * Records one approver's decision. The decision and the status change are one transaction, and the
 * status change is a compare-and-set from `pending`: two approvers racing on the last approval yield
 * exactly one `approved` transition, and so exactly one issuance.
 */
export async function decide(deps: SubmitDeps, input: DecisionInput): Promise<DecisionResult> {
  const comment = input.comment?.trim() || null;
  if (input.decision === 'reject' && !comment) {
    throw new CoreError('invalid_input', 'A reason is required to reject', { details: { field: 'comment' } });
  }
  const now = deps.clock.now();
  const decided = await deps.store.transaction(async (tx) => {
    const request = await tx.requests.getForUpdate(input.requestId);
    if (!request) throw new CoreError('not_found', 'No such enrolment request');
    if (request.status !== 'pending') {
      throw new CoreError('invalid_state', `The request is ${request.status}, not pending`, {
        details: { status: request.status },
      });
    }
    // Names that differ only in case, width or invisible characters are one person (principal-key.ts).
    if (samePrincipal(request.requester, input.actor)) throw new CoreError('self_approval');
    const earlier = await tx.approvals.listFor(request.id);
    if (earlier.some((a) => samePrincipal(a.approver, input.actor))) throw new CoreError('already_decided');
    try {
      await tx.approvals.add({
        requestId: request.id,
        approver: input.actor,
        decision: input.decision,
        comment,
        createdAt: now,
      });
    } catch (err) {
      if (isCoreError(err, 'conflict')) throw new CoreError('already_decided', undefined, { cause: err });
      throw err;
    }
    // The request row is locked (or the database serialises writers), so `earlier` is still complete.
    const approvals =
      earlier.filter((a) => a.decision === 'approve').length + (input.decision === 'approve' ? 1 : 0);
    const status =
      input.decision === 'reject'
        ? 'rejected'
        : approvals >= request.requiredApprovals
          ? 'approved'
          : 'pending';
    if (status !== 'pending') {
      const reason = status === 'rejected' ? comment : null;
      const patch = { status, reason, updatedAt: now, decidedAt: now } as const;
      if (!(await tx.requests.transition(request.id, 'pending', patch))) {
        throw new CoreError('conflict', 'The request was decided concurrently');
      }
    }
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action:
        input.decision === 'reject'
          ? 'request.rejected'
          : status === 'approved'
            ? 'request.approved'
            : 'request.approval-recorded',
      targetType: 'request',
      targetId: request.id,
      data: { approvals, approvalsNeeded: request.requiredApprovals, ...(comment ? { comment } : {}) },
    });
    return {
      request: {
        ...request,
        status,
        reason: status === 'rejected' ? comment : request.reason,
        updatedAt: now,
        decidedAt: status === 'pending' ? null : now,
      } as EnrollmentRequest,
      approvals,
    };
  });

  const { request, approvals } = decided;
  if (request.status === 'rejected') return { outcome: 'rejected', request };
  if (request.status === 'pending') {
    return { outcome: 'recorded', request, approvals, approvalsNeeded: request.requiredApprovals };
  }
  if (request.kind === 'account') return { outcome: 'approved', request };
  const profile = await resolveProfile(deps.store, request.profileId);
  return { outcome: 'issued', ...(await issueApproved(deps, request, profile)) };
}

/** Moves pending requests past their expiry to `expired`; returns how many it moved. */
export async function expirePending(deps: Pick<SubmitDeps, 'store' | 'clock'>, batch = 100): Promise<number> {
  let moved = 0;
  for (const request of await deps.store.requests.listExpired(deps.clock.now(), batch)) {
    if (await deps.store.transaction((tx) => expireRequest(tx, deps.clock, request.id))) moved++;
  }
  return moved;
}
