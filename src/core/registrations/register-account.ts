import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import type { EnrollmentRequest } from '../enrollment/request.js';
import type { Clock, Store } from '../ports.js';
import type { Profile, Protocol } from '../profiles/profile.js';

export interface AccountRegistrationInput {
  protocol: Protocol;
  profile: Profile;
  /** The account as its protocol names it (the ACME account URL); never allowed to approve. */
  requester: string;
  /** The protocol's handle of the account, unique per protocol. */
  externalRef: string;
  /** What approvers read in the queue's subject column: the account's contacts, say. */
  subject: string;
}

/**
 * An account that must be approved before it may order (ACME on a profile with
 * `acme.accountApprovalRequired`; Nexus puts protocol registrations through its approval queue the
 * same way): a pending request of kind `account`, in the queue beside certificate requests, with the
 * profile's approvers, expiry, notifications and audit trail. Approval ends it at `approved`.
 */
export async function submitAccountRegistration(
  deps: { store: Store; clock: Clock },
  input: AccountRegistrationInput,
): Promise<EnrollmentRequest> {
  const now = deps.clock.now();
  const { profile } = input;
  const request: EnrollmentRequest = {
    id: randomUUID(),
    kind: 'account',
    protocol: input.protocol,
    profileId: profile.id,
    assetId: null,
    requester: input.requester,
    subject: input.subject,
    dnsNames: [],
    ipAddresses: [],
    csrPem: '',
    csrSha256: '',
    signerKeySha256: null,
    status: 'pending',
    requiredApprovals: Math.max(1, profile.approval.approvers),
    reason: null,
    certificateSerial: null,
    externalRef: input.externalRef,
    createdAt: now,
    updatedAt: now,
    expiresAt: new Date(now.getTime() + profile.approval.pendingTtlHours * 3_600_000),
    approvalKey: null,
    attempts: 1,
    lastAttemptAt: now,
    decidedAt: null,
    coveredBy: null,
  };
  await deps.store.appendTransaction(async (tx) => {
    await tx.requests.create(request);
    await appendAudit(tx, deps.clock, {
      actor: input.requester,
      action: 'request.submitted',
      targetType: 'request',
      targetId: request.id,
      data: { kind: 'account', protocol: input.protocol, profileId: profile.id },
    });
  });
  return request;
}
