/** Domain objects → what the API shows: never a CSR blob in lists, never a code hash or sealed secret. */
import type { CertificateRecord } from '../../core/certificates/certificate.js';
import type { EnrollmentCode } from '../../core/codes/code.js';
import type { EnrollmentRequest } from '../../core/enrollment/request.js';

function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => !(keys as readonly PropertyKey[]).includes(key)),
  ) as Omit<T, K>;
}

/** The approval key is an internal hash; the attempts it gathered are shown as one object. */
export function requestOut(r: EnrollmentRequest) {
  return {
    ...omit(r, ['csrPem', 'csrSha256', 'signerKeySha256', 'approvalKey', 'attempts', 'lastAttemptAt']),
    attempts: { count: r.attempts, lastAt: r.lastAttemptAt },
  };
}

export function certificateOut(c: CertificateRecord) {
  return omit(c, ['pem']);
}

export function codeOut(c: EnrollmentCode, now: Date) {
  return {
    ...omit(c, ['secretHash', 'secretSealed', 'boundSubject']),
    showable: c.secretSealed !== null,
    expired: c.expiresAt !== null && c.expiresAt <= now,
  };
}
