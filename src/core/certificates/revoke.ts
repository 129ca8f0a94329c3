import type { RevocationReason } from '../../../ca/types.js';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import type { SubmitDeps } from '../enrollment/submit.js';
import type { CertificateRecord } from './certificate.js';

const reasons = new Set<number>([0, 1, 2, 3, 4, 5, 6, 8, 9, 10]);

export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === 'number' && reasons.has(value);
}

/**
 * Revokes with the CA first, then records it: a recorded revocation is always one the CA knows, so
 * the CRL never lags the inventory. A repeat answers invalid_state ("alreadyRevoked" in ACME).
 */
export async function revokeCertificate(
  deps: SubmitDeps,
  input: { serialNumber: string; reason: RevocationReason; actor: string },
): Promise<CertificateRecord> {
  if (!isRevocationReason(input.reason)) throw new CoreError('invalid_input', 'Unknown revocation reason');
  const certificate = await deps.store.certificates.get(input.serialNumber);
  if (!certificate) throw new CoreError('not_found', 'No certificate with this serial number');
  if (certificate.status === 'revoked')
    throw new CoreError('invalid_state', 'The certificate is already revoked');
  const revokedAt = deps.clock.now();
  await deps.ca.revoke(certificate.serialNumber, input.reason, revokedAt);
  await deps.store.transaction(async (tx) => {
    if (!(await tx.certificates.markRevoked(certificate.serialNumber, revokedAt, input.reason))) {
      throw new CoreError('invalid_state', 'The certificate is already revoked');
    }
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'certificate.revoked',
      targetType: 'certificate',
      targetId: certificate.serialNumber,
      data: { reason: input.reason, requestId: certificate.requestId },
    });
  });
  return { ...certificate, status: 'revoked', revokedAt, revocationReason: input.reason };
}
