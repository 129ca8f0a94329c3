import { fromPem } from '../../../ca/pki/pem.js';
import type { CertificateAuthority, IssuedCertificate } from '../../../ca/types.js';
import { appendAudit } from '../audit/audit-log.js';
import type { CertificateRecord } from '../certificates/certificate.js';
import { CoreError } from '../errors.js';
import type { Clock, Store } from '../ports.js';
import type { Profile } from '../profiles/profile.js';
import type { EnrollmentRequest } from './request.js';

export interface Issued {
  request: EnrollmentRequest;
  certificate: CertificateRecord;
  /** Issuing CA first, root last. */
  chainPem: string[];
}

/**
 * Signs an approved request and records the certificate and the `issued` status in one transaction
 * before anyone sees the certificate. A CA failure moves the request to `failed` with the reason.
 */
export async function issueApproved(
  deps: { store: Store; ca: CertificateAuthority; clock: Clock },
  request: EnrollmentRequest,
  profile: Profile,
  validity?: { notBefore?: Date; notAfter?: Date },
): Promise<Issued> {
  if (request.status !== 'approved') {
    throw new CoreError(
      'invalid_state',
      `Only an approved request can be issued (this one is ${request.status})`,
    );
  }
  const now = deps.clock.now();
  const notBefore = validity?.notBefore ?? now;
  const notAfter = validity?.notAfter ?? new Date(notBefore.getTime() + profile.validityDays * 86_400_000);
  let issued: IssuedCertificate;
  try {
    issued = await deps.ca.issue({
      csrDer: fromPem(request.csrPem, 'CERTIFICATE REQUEST'),
      template: {
        subject: request.subject,
        dnsNames: request.dnsNames,
        ipAddresses: request.ipAddresses,
        notBefore,
        notAfter,
        keyUsage: profile.keyUsage,
        extendedKeyUsage: profile.extendedKeyUsage,
      },
    });
  } catch (cause) {
    await deps.store.transaction(async (tx) => {
      const failedAt = deps.clock.now();
      await tx.requests.transition(request.id, 'approved', {
        status: 'failed',
        reason: 'The certificate authority failed to issue',
        updatedAt: failedAt,
      });
      await appendAudit(tx, deps.clock, {
        actor: 'system',
        action: 'request.failed',
        targetType: 'request',
        targetId: request.id,
        data: { error: cause instanceof Error ? cause.message : String(cause) },
      });
    });
    throw new CoreError('ca_failure', undefined, { cause });
  }
  const certificate: CertificateRecord = {
    serialNumber: issued.serialNumber,
    requestId: request.id,
    profileId: request.profileId,
    assetId: request.assetId,
    subject: issued.subject,
    dnsNames: issued.dnsNames,
    ipAddresses: issued.ipAddresses,
    notBefore: issued.notBefore,
    notAfter: issued.notAfter,
    pem: issued.pem,
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    createdAt: deps.clock.now(),
  };
  const updatedAt = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    await tx.certificates.insert(certificate);
    const moved = await tx.requests.transition(request.id, 'approved', {
      status: 'issued',
      certificateSerial: certificate.serialNumber,
      updatedAt,
    });
    if (!moved)
      throw new CoreError('conflict', 'The request left the approved state while it was being issued');
    await appendAudit(tx, deps.clock, {
      actor: 'system',
      action: 'certificate.issued',
      targetType: 'request',
      targetId: request.id,
      data: { serialNumber: certificate.serialNumber, notAfter: certificate.notAfter.toISOString() },
    });
  });
  return {
    request: { ...request, status: 'issued', certificateSerial: certificate.serialNumber, updatedAt },
    certificate,
    chainPem: issued.chainPem,
  };
}
