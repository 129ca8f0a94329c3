import { fromPem } from '../../../ca/pki/pem.js';
import type { CertificateAuthority, IssuedCertificate } from '../../../ca/types.js';
import { appendAudit, appendAuditEvents } from '../audit/audit-log.js';
import type { NewAuditEvent } from '../audit/event.js';
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

/** Validity asked of the CA; the profile's validity from now when absent. */
export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

const caFailureReason = 'The certificate authority failed to issue';

function assertApproved(request: EnrollmentRequest): void {
  if (request.kind !== 'certificate') {
    throw new CoreError('invalid_state', `A request for an ${request.kind} has no certificate to issue`);
  }
  if (request.status !== 'approved') {
    throw new CoreError(
      'invalid_state',
      `Only an approved request can be issued (this one is ${request.status})`,
    );
  }
}

function sign(
  deps: { ca: CertificateAuthority; clock: Clock },
  request: EnrollmentRequest,
  profile: Profile,
  validity?: Validity,
): Promise<IssuedCertificate> {
  const notBefore = validity?.notBefore ?? deps.clock.now();
  const notAfter = validity?.notAfter ?? new Date(notBefore.getTime() + profile.validityDays * 86_400_000);
  return deps.ca.issue({
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
}

function recordOf(request: EnrollmentRequest, issued: IssuedCertificate, createdAt: Date): CertificateRecord {
  return {
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
    purpose: 'enrollment',
    createdAt,
  };
}

function issuedEvent(request: EnrollmentRequest, certificate: CertificateRecord): NewAuditEvent {
  return {
    actor: 'system',
    action: 'certificate.issued',
    targetType: 'request',
    targetId: request.id,
    data: { serialNumber: certificate.serialNumber, notAfter: certificate.notAfter.toISOString() },
  };
}

function failedEvent(request: EnrollmentRequest, cause: unknown): NewAuditEvent {
  return {
    actor: 'system',
    action: 'request.failed',
    targetType: 'request',
    targetId: request.id,
    data: { error: cause instanceof Error ? cause.message : String(cause) },
  };
}

/**
 * Signs an approved request and records the certificate and the `issued` status in one transaction
 * before anyone sees the certificate. A CA failure moves the request to `failed` with the reason.
 */
export async function issueApproved(
  deps: { store: Store; ca: CertificateAuthority; clock: Clock },
  request: EnrollmentRequest,
  profile: Profile,
  validity?: Validity,
): Promise<Issued> {
  assertApproved(request);
  let issued: IssuedCertificate;
  try {
    issued = await sign(deps, request, profile, validity);
  } catch (cause) {
    await deps.store.transaction(async (tx) => {
      const failedAt = deps.clock.now();
      await tx.requests.transition(request.id, 'approved', {
        status: 'failed',
        reason: caFailureReason,
        updatedAt: failedAt,
      });
      await appendAudit(tx, deps.clock, failedEvent(request, cause));
    });
    throw new CoreError('ca_failure', undefined, { cause });
  }
  const certificate = recordOf(request, issued, deps.clock.now());
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
    await appendAudit(tx, deps.clock, issuedEvent(request, certificate));
  });
  return {
    request: { ...request, status: 'issued', certificateSerial: certificate.serialNumber, updatedAt },
    certificate,
    chainPem: issued.chainPem,
  };
}

/**
 * The no-approval path: `request` (status `approved`, not yet stored) is signed first, then the
 * request in its final status, the certificate and the audit events (`accepted` first, then the
 * issuance) are written in ONE transaction — the certificate is still recorded before it is
 * returned, and nothing is written for a request that never reached a final status. A CA failure
 * records the request as `failed` with its reason and events, in one transaction too.
 *
 * A crash before the commit leaves nothing behind: the client never got an answer and asks again.
 * Requests that do wait (approval) go through {@link issueApproved} and its compare-and-set instead.
 */
export async function issueImmediately(
  deps: { store: Store; ca: CertificateAuthority; clock: Clock },
  request: EnrollmentRequest,
  profile: Profile,
  accepted: NewAuditEvent,
): Promise<Issued> {
  assertApproved(request);
  let issued: IssuedCertificate;
  try {
    issued = await sign(deps, request, profile);
  } catch (cause) {
    const failed: EnrollmentRequest = {
      ...request,
      status: 'failed',
      reason: caFailureReason,
      updatedAt: deps.clock.now(),
    };
    await deps.store.appendTransaction(async (tx) => {
      await tx.requests.create(failed);
      await appendAuditEvents(tx, deps.clock, [accepted, failedEvent(request, cause)]);
    });
    throw new CoreError('ca_failure', undefined, { cause });
  }
  const updatedAt = deps.clock.now();
  const certificate = recordOf(request, issued, updatedAt);
  const final: EnrollmentRequest = {
    ...request,
    status: 'issued',
    certificateSerial: certificate.serialNumber,
    updatedAt,
  };
  await deps.store.appendTransaction(async (tx) => {
    // The request first: the certificate row references it.
    await tx.requests.create(final);
    await tx.certificates.insert(certificate);
    await appendAuditEvents(tx, deps.clock, [accepted, issuedEvent(request, certificate)]);
  });
  return { request: final, certificate, chainPem: issued.chainPem };
}
