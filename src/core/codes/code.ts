export type CodePurpose = 'scep-challenge' | 'acme-eab' | 'self-service';
export type CodeStatus = 'active' | 'locked' | 'revoked' | 'used';

/**
 * A secret that authenticates an enrolment. Only a keyed hash of the secret is stored; a code that
 * must be shown again (or used as an EAB MAC key) also keeps a copy sealed under a key outside the store.
 */
export interface EnrollmentCode {
  id: string;
  profileId: string;
  assetId: string | null;
  purpose: CodePurpose;
  /** HMAC-SHA256 of the secret under the server's code pepper, hex. */
  secretHash: string;
  /** AES-256-GCM sealed secret (base64url) or null when the code is shown once only. */
  secretSealed: string | null;
  /** When set, the certificate subject (RFC 4514) the code may enrol. */
  boundSubject: string | null;
  singleUse: boolean;
  expiresAt: Date | null;
  maxAttempts: number;
  failedAttempts: number;
  status: CodeStatus;
  createdAt: Date;
  updatedAt: Date;
}
