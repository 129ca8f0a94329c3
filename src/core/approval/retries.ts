/**
 * A submission with an approval key meets what earlier submissions with that key left behind:
 *
 * - a pending request: the submission joins it as a new attempt, and its CSR and protocol handle
 *   become the request's (the client holds only its newest key: the earlier ones were thrown away
 *   when it gave up), so one queue entry stands for every retry and no approver is asked twice;
 * - a decision within the profile's window: an approval issues the submission at once, recorded as
 *   a new request covered by the approved one; a rejection refuses it at once with the reason, as one
 *   more attempt of the rejected request.
 */
import { appendAudit } from '../audit/audit-log.js';
import type { NewAuditEvent } from '../audit/event.js';
import { issueImmediately } from '../enrollment/issue.js';
import type { EnrollmentRequest } from '../enrollment/request.js';
import type { SubmitDeps, SubmitResult } from '../enrollment/submit.js';
import { CoreError } from '../errors.js';
import type { Profile } from '../profiles/profile.js';
import { decisionWindowMs } from './approval-key.js';
import { expireRequest } from './expire.js';

type Met = Exclude<SubmitResult, { outcome: 'dry-run' }>;

/**
 * `attempt` is the pending request submit would otherwise create (its approvalKey set). Null when
 * nothing earlier answers it: the caller opens a new queue entry.
 */
export async function meetEarlierAttempts(
  deps: SubmitDeps,
  profile: Profile,
  attempt: EnrollmentRequest,
): Promise<Met | null> {
  const key = attempt.approvalKey;
  if (!key) return null;
  const joined = await joinPending(deps, key, attempt);
  if (joined) return joined;
  const windowMs = decisionWindowMs(profile.approval);
  if (windowMs <= 0) return null;
  const since = new Date(deps.clock.now().getTime() - windowMs);
  const decision = await deps.store.requests.latestDecision(key, since);
  if (!decision) return null;
  return decision.status === 'rejected'
    ? refuseAsRejected(deps, decision, attempt)
    : issueAsApproved(deps, profile, decision, attempt);
}

async function joinPending(deps: SubmitDeps, key: string, attempt: EnrollmentRequest): Promise<Met | null> {
  return deps.store.transaction(async (tx) => {
    // Row-locked on PostgreSQL: a decision on this request waits for the attempt, or the other way round.
    const pending = await tx.requests.findPendingByApprovalKey(key);
    if (!pending) return null;
    const now = deps.clock.now();
    if (pending.expiresAt && pending.expiresAt <= now) {
      // Past its expiry, not yet swept: it answers nobody any more, and holds the key's one pending slot.
      await expireRequest(tx, deps.clock, pending.id);
      return null;
    }
    const replace = {
      subject: attempt.subject,
      csrPem: attempt.csrPem,
      csrSha256: attempt.csrSha256,
      externalRef: attempt.externalRef,
    };
    if (!(await tx.requests.addAttempt(pending.id, 'pending', { at: now, replace }))) return null;
    const attempts = pending.attempts + 1;
    await appendAudit(tx, deps.clock, {
      actor: attempt.requester,
      action: 'request.attempt-joined',
      targetType: 'request',
      targetId: pending.id,
      data: {
        attempt: attempts,
        externalRef: attempt.externalRef,
        replacedExternalRef: pending.externalRef,
        csrSha256: attempt.csrSha256,
      },
    });
    const request: EnrollmentRequest = {
      ...pending,
      ...replace,
      attempts,
      lastAttemptAt: now,
      updatedAt: now,
    };
    return {
      outcome: 'pending',
      request,
      approvalsNeeded: pending.requiredApprovals,
      supersededRef: pending.externalRef,
    } satisfies Met;
  });
}

async function refuseAsRejected(
  deps: SubmitDeps,
  decision: EnrollmentRequest,
  attempt: EnrollmentRequest,
): Promise<Met> {
  const now = deps.clock.now();
  const decidedAt = (decision.decidedAt as Date).toISOString();
  await deps.store.transaction(async (tx) => {
    // A rejected request stays rejected: the compare-and-set only counts the attempt.
    if (!(await tx.requests.addAttempt(decision.id, 'rejected', { at: now }))) return;
    await appendAudit(tx, deps.clock, {
      actor: attempt.requester,
      action: 'request.attempt-refused',
      targetType: 'request',
      targetId: decision.id,
      data: { attempt: decision.attempts + 1, externalRef: attempt.externalRef, decidedAt },
    });
  });
  const error = new CoreError(
    'forbidden',
    `an approver rejected the same request at ${decidedAt}: ${decision.reason ?? 'no reason given'}`,
    { details: { requestId: decision.id, decidedAt, reason: decision.reason } },
  );
  return {
    outcome: 'rejected',
    request: { ...decision, attempts: decision.attempts + 1, lastAttemptAt: now },
    findings: [],
    error,
  };
}

async function issueAsApproved(
  deps: SubmitDeps,
  profile: Profile,
  decision: EnrollmentRequest,
  attempt: EnrollmentRequest,
): Promise<Met> {
  const approvers = (await deps.store.approvals.listFor(decision.id))
    .filter((a) => a.decision === 'approve')
    .map((a) => a.approver);
  const request: EnrollmentRequest = {
    ...attempt,
    status: 'approved',
    expiresAt: null,
    coveredBy: decision.id,
  };
  const accepted: NewAuditEvent = {
    actor: attempt.requester,
    action: 'request.covered-by-approval',
    targetType: 'request',
    targetId: request.id,
    data: {
      protocol: request.protocol,
      profileId: profile.id,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      coveredBy: decision.id,
      approvers,
      decidedAt: (decision.decidedAt as Date).toISOString(),
    },
  };
  return { outcome: 'issued', ...(await issueImmediately(deps, request, profile, accepted)) };
}
