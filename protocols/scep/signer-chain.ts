/**
 * Enrolment as a chain of links (micromdm/scep's CSRSigner middleware): a resend lands on the
 * request it repeats → the request is authenticated (by the certificate it renews, else by the
 * challengePassword) → the core decides. Each link either answers or calls the next.
 */
import { formatDn, parseDn } from '../../ca/pki/names.js';
import { isCoreError } from '../../src/core/errors.js';
import type { Core } from '../../src/core/core.js';
import type { ParsedCsr } from '../../src/core/csr/parse.js';
import type { EnrollmentRequest } from '../../src/core/enrollment/request.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { ScepFailure } from './errors.js';
import { issuedOutcome, outcomeOfRequest, type Outcome } from './outcome.js';
import { checkRenewal, type OurCertificate } from './renewal.js';
import { isRequester } from './requester.js';
import { MessageType } from './wire/oids.js';

export interface EnrolRequest {
  profile: Profile;
  messageType: number;
  transactionID: string;
  csrDer: Uint8Array;
  csr: ParsedCsr;
  /** The signer certificate when it is one this gateway issued (a renewal candidate). */
  ourSigner: OurCertificate | null;
  /** SHA-256 (hex) of the signer's SubjectPublicKeyInfo: only that key hears about the request. */
  signerKeySha256: string;
  /** Names from the CSR subject (Cisco unstructuredName/Address) when the profile maps them. */
  names?: { dnsNames: string[]; ipAddresses: string[] };
  /** The asset the redeemed enrolment code belongs to. */
  assetId?: string | null;
}

export type Enrol = (request: EnrolRequest) => Promise<Outcome>;
export type Link = (core: Core, next: Enrol) => Enrol;

/** The externalRef of a transaction: a renewal is its own transaction even when the client reuses the txid. */
export function transactionRef(transactionID: string, ourSigner: OurCertificate | null): string {
  return ourSigner ? `${transactionID}:renewal:${ourSigner.record.serialNumber}` : transactionID;
}

/**
 * An identical resend of a PKCSReq (micromdm's scepclient resends every 30 s while PENDING) answers
 * the state of the request it repeats: same CSR, same profile, signed by the same key. Anything else
 * under that transactionID is refused (Dogtag), with one answer whatever differs, so that a copy of
 * the CSR signed by another key learns neither the state, the rejection note nor the certificate.
 */
export const resendLink: Link = (core, next) => async (request) => {
  const ref = transactionRef(request.transactionID, request.ourSigner);
  const existing = await core.store.requests.findByExternalRef('scep', ref);
  if (!existing) return next(request);
  return outcomeOfResend(core, existing, request);
};

function outcomeOfResend(core: Core, existing: EnrollmentRequest, request: EnrolRequest): Promise<Outcome> {
  if (
    existing.csrSha256 !== request.csr.sha256 ||
    existing.profileId !== request.profile.id ||
    !isRequester(existing, request.signerKeySha256)
  ) {
    throw new ScepFailure('badRequest', 'This transactionID belongs to a different request');
  }
  return outcomeOfRequest(core, existing, request.profile);
}

/**
 * Authentication: a renewal signed by a certificate we issued that passes every renewal check needs
 * no challenge (RFC 8894 §2.5); otherwise the challengePassword must be an enrolment code of the
 * profile, which is redeemed (and, if single-use, consumed) here.
 */
export const authenticateLink: Link = (core, next) => async (request) => {
  let renewalProblem: string | null = null;
  if (request.ourSigner) {
    renewalProblem = checkRenewal(request, core.clock.now());
    if (!renewalProblem) return next(request);
  } else if (request.messageType === MessageType.RenewalReq && !request.csr.challengePassword) {
    renewalProblem = 'A RenewalReq must be signed by a certificate this gateway issued';
  }
  const challenge = request.csr.challengePassword;
  if (!challenge) {
    throw new ScepFailure('badRequest', renewalProblem ?? 'The CSR has no challengePassword (RFC 8894 §2.2)');
  }
  try {
    const redeemed = await core.codes.redeemBySecret(
      request.profile.id,
      challenge,
      `scep:${request.transactionID}`,
      (code) => {
        if (code.purpose !== 'scep-challenge')
          throw new ScepFailure('badRequest', 'The challengePassword is wrong');
        if (code.boundSubject && !sameDn(code.boundSubject, request.csr.subject)) {
          throw new ScepFailure('badRequest', 'The challengePassword is bound to another subject');
        }
      },
    );
    return next({ ...request, assetId: redeemed.assetId });
  } catch (err) {
    if (isCoreError(err, 'code_invalid')) {
      // A wrong challenge from the subject a one-time code is bound to counts against that code
      // and locks it after maxAttempts (unlock through the admin API).
      const bound = await boundCode(core, request.profile.id, request.csr.subject);
      if (bound) await core.codes.redeem(bound, challenge, `scep:${request.transactionID}`);
      throw new ScepFailure(
        'badRequest',
        renewalProblem
          ? `${renewalProblem}; no valid challengePassword either`
          : 'The challengePassword is wrong',
      );
    }
    throw err;
  }
};

/** RFC 4514 names compared after normalising spacing and case ("CN=a,O=b" is "cn=A, o=B"). */
function sameDn(a: string, b: string): boolean {
  const normal = (dn: string) => {
    try {
      return formatDn(parseDn(dn)).toLowerCase();
    } catch {
      return dn.toLowerCase();
    }
  };
  return normal(a) === normal(b);
}

/** The active scep-challenge code of the profile bound to `subject`, if any (a bounded scan). */
async function boundCode(core: Core, profileId: string, subject: string): Promise<string | null> {
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const result = await core.store.codes.list({ profileId, limit: 100, cursor });
    const found = result.items.find(
      (c) =>
        c.purpose === 'scep-challenge' &&
        c.status === 'active' &&
        c.boundSubject !== null &&
        sameDn(c.boundSubject, subject),
    );
    if (found) return found.id;
    if (!result.next) return null;
    cursor = result.next;
  }
  return null;
}

/** The last link: the core's submit, its outcome mapped to the CertRep status. */
export const submitLink =
  (core: Core): Enrol =>
  async (request) => {
    const ref = transactionRef(request.transactionID, request.ourSigner);
    const assetId = request.assetId ?? request.ourSigner?.record.assetId ?? null;
    let result;
    try {
      result = await core.submit({
        protocol: 'scep',
        profile: request.profile,
        requester: `scep:${request.transactionID}`,
        csr: request.csrDer,
        // Parsed (and its signature checked) once, in pki-operation.ts.
        parsedCsr: request.csr,
        externalRef: ref,
        signerKeySha256: request.signerKeySha256,
        assetId,
        ...(request.names ?? {}),
      });
    } catch (err) {
      // Two identical requests racing: the loser of the unique externalRef answers the winner's state.
      if (isCoreError(err, 'conflict')) {
        const existing = await core.store.requests.findByExternalRef('scep', ref);
        if (existing) return outcomeOfResend(core, existing, request);
      }
      throw err;
    }
    switch (result.outcome) {
      case 'issued':
        return issuedOutcome(result.certificate.pem, result.chainPem, request.profile);
      case 'pending':
        return { status: 'PENDING' };
      case 'rejected':
        throw new ScepFailure('badRequest', result.error.message);
      default:
        throw new ScepFailure('badRequest', 'Unexpected outcome');
    }
  };

/** The chain in order, ending in the core. */
export function enrolmentChain(core: Core): Enrol {
  const links = [resendLink, authenticateLink];
  return links.reduceRight<Enrol>((next, link) => link(core, next), submitLink(core));
}
