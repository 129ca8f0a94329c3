/**
 * What a PKIOperation resolves to before it is put on the wire: the CertRep pkiStatus (RFC 8894
 * §3.2.1.3) and, for SUCCESS, the certificates (and CRLs) of the degenerate SignedData.
 */
import { fromPem } from '../../ca/pki/pem.js';
import type { Core } from '../../src/core/core.js';
import type { EnrollmentRequest } from '../../src/core/enrollment/request.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { ScepFailure } from './errors.js';
import { scepSettingsOf } from './settings.js';

export type Outcome =
  { status: 'SUCCESS'; certificates: Uint8Array[]; crls?: Uint8Array[] } | { status: 'PENDING' };

/** The issued certificate first (clients take the first), then the chain when the profile wants it. */
export function issuedOutcome(certificatePem: string, chainPem: string[], profile: Profile | null): Outcome {
  const chain = scepSettingsOf(profile).includeChain === false ? [] : chainPem;
  return {
    status: 'SUCCESS',
    certificates: [certificatePem, ...chain].map((pem) => fromPem(pem, 'CERTIFICATE')),
  };
}

/**
 * The answer for a request the core already holds (a resend, a CertPoll, a GetCertInitial): PENDING
 * while it waits (or is being issued), SUCCESS once issued, FAILURE badRequest with the reason when
 * rejected, expired or failed.
 */
export async function outcomeOfRequest(
  core: Core,
  request: EnrollmentRequest,
  profile: Profile | null,
): Promise<Outcome> {
  switch (request.status) {
    case 'pending':
    case 'approved':
      return { status: 'PENDING' };
    case 'issued': {
      const certificate = request.certificateSerial
        ? await core.store.certificates.get(request.certificateSerial)
        : null;
      if (!certificate) throw new ScepFailure('badCertId', 'The issued certificate is no longer on record');
      return issuedOutcome(certificate.pem, core.ca.caChain(), profile);
    }
    case 'rejected':
      throw new ScepFailure('badRequest', request.reason ?? 'The request was rejected');
    case 'expired':
      throw new ScepFailure('badRequest', 'The request expired before it was approved');
    case 'failed':
      throw new ScepFailure('badRequest', request.reason ?? 'Issuance failed');
  }
}
