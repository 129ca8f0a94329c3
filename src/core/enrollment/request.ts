import { CoreError } from '../errors.js';
import type { Protocol } from '../profiles/profile.js';

/**
 * A certificate, or an account: the registration of an ACME account on a profile that gates new
 * accounts, decided in the same queue. An account request carries no CSR and ends at `approved`.
 */
export type RequestKind = 'certificate' | 'account';

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'issued' | 'failed' | 'expired';

/**
 * The one status machine every protocol shares:
 * pending → approved | rejected | expired | failed; approved → issued | failed.
 */
const transitions: Record<RequestStatus, readonly RequestStatus[]> = {
  pending: ['approved', 'rejected', 'expired', 'failed'],
  approved: ['issued', 'failed'],
  rejected: [],
  issued: [],
  failed: [],
  expired: [],
};

export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return transitions[from].includes(to);
}

export function assertTransition(from: RequestStatus, to: RequestStatus): void {
  if (!canTransition(from, to)) {
    throw new CoreError('invalid_state', `A request cannot go from ${from} to ${to}`, {
      details: { from, to },
    });
  }
}

export function isFinal(status: RequestStatus): boolean {
  return transitions[status].length === 0;
}

export interface EnrollmentRequest {
  id: string;
  kind: RequestKind;
  protocol: Protocol;
  profileId: string;
  assetId: string | null;
  /** Who asked: an admin user, an ACME account URL, a SCEP client, … Never allowed to approve. */
  requester: string;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  csrPem: string;
  /** SHA-256 of the CSR DER, hex: lets a resent SCEP PKCSReq land on the same request. */
  csrSha256: string;
  /**
   * SHA-256 (hex) of the SubjectPublicKeyInfo that signed the protocol message carrying the request
   * (the SCEP signer certificate's key): later messages about the request must come from that key.
   * Null where the face has no such key, and for requests stored before it was recorded.
   */
  signerKeySha256: string | null;
  status: RequestStatus;
  requiredApprovals: number;
  /** Why it was rejected or failed. */
  reason: string | null;
  certificateSerial: string | null;
  /** The protocol's own handle (ACME order id, SCEP transactionID), unique per protocol. */
  externalRef: string | null;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
  /**
   * What makes a retry the same question to the approvers (see approval/approval-key.ts): an ACME
   * account and its identifier set. Null where the face gives none (SCEP keys by transactionID).
   */
  approvalKey: string | null;
  /** Submissions this request stands for: 1, plus each retry that joined it. */
  attempts: number;
  lastAttemptAt: Date;
  /** When it was approved or rejected: a decision window counts from here. */
  decidedAt: Date | null;
  /** The earlier request whose approval, within the profile's decision window, issued this one. */
  coveredBy: string | null;
}

export interface Approval {
  requestId: string;
  approver: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  createdAt: Date;
}
