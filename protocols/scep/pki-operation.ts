/**
 * PKIOperation (RFC 8894 §3.3, §4.3): parse → verify → decrypt → dispatch by messageType → CertRep.
 * The error boundary sits where the message becomes answerable: before the transactionID, nonce and
 * signer are known an HTTP 400 (thrown by parsePkiMessage); from then on every refusal is a CertRep
 * FAILURE signed by the RA with a failInfo, including bad signatures (badMessageCheck), unsupported
 * or refused algorithms (badAlg) and envelopes that do not decrypt (badMessageCheck).
 */
import type { Core } from '../../src/core/core.js';
import { parseCsr } from '../../src/core/csr/parse.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { formatDn } from '../../ca/pki/names.js';
import { digestOidOf, digestOids, type CipherSpec } from './crypto/algorithms.js';
import { ScepFailure, failureOf } from './errors.js';
import { subjectNames } from './leniency.js';
import type { Outcome } from './outcome.js';
import { scepSettingsOf } from './settings.js';
import { outcomeOfRequest } from './outcome.js';
import type { Ra } from './ra.js';
import { ourCertificate } from './renewal.js';
import { isRequester } from './requester.js';
import { enrolmentChain, transactionRef, type Enrol } from './signer-chain.js';
import { certRep, type CertRepStatus } from './wire/cert-rep.js';
import { openEnvelope } from './wire/envelope.js';
import { parseIssuerAndSerial, parseIssuerAndSubject } from './wire/message-data.js';
import { MessageType } from './wire/oids.js';
import { parsePkiMessage, signingTimeOf, verifyPkiMessage, type PkiMessage } from './wire/pki-message.js';
import { degenerate } from './wire/signed-data.js';
import { sealEnvelope } from './wire/envelope.js';

export interface PkiOperationDeps {
  core: Core;
  ra: Ra;
  /** Called with every FAILURE (the internal cause is logged, never sent). */
  onFailure?: (failure: ScepFailure, message: PkiMessage) => void;
}

export class PkiOperation {
  readonly #enrol: Enrol;

  constructor(private readonly deps: PkiOperationDeps) {
    this.#enrol = enrolmentChain(deps.core);
  }

  /** The DER CertRep for a DER pkiMessage; throws ScepHttpError only while the message is unanswerable. */
  async handle(profile: Profile, der: Uint8Array): Promise<Uint8Array> {
    const message = parsePkiMessage(der);
    let status: CertRepStatus;
    try {
      verifyPkiMessage(message);
      this.#checkTime(profile, message);
      if (message.signer.publicKey.asymmetricKeyType !== 'rsa') {
        // Every SUCCESS is encrypted to the signer (RFC 8894 §3.3.2), which needs an RSA key.
        throw new ScepFailure('badAlg', 'The signer certificate must have an RSA key');
      }
      const { content, cipher } = this.#open(profile, message);
      const outcome = await this.#dispatch(profile, message, content);
      status =
        outcome.status === 'PENDING'
          ? { pkiStatus: 'PENDING' }
          : { pkiStatus: 'SUCCESS', envelope: this.#seal(message, outcome, cipher) };
    } catch (err) {
      const failure = failureOf(err);
      this.deps.onFailure?.(failure, message);
      status = { pkiStatus: 'FAILURE', failInfo: failure.failInfo, failInfoText: failure.message };
    }
    return certRep({
      signer: this.deps.ra,
      // The reply mirrors the request's digest; an unsupported one is answered with SHA-256.
      digestOid: digestOids[message.digestOid] ? message.digestOid : digestOidOf.sha256,
      transactionID: message.transactionID,
      recipientNonce: message.senderNonce,
      status,
      now: this.deps.core.clock.now(),
    });
  }

  /** RFC 8894 §3.2.1.4 badTime: only when the profile sets a maximum clock skew. */
  #checkTime(profile: Profile, message: PkiMessage): void {
    const skew = scepSettingsOf(profile).maxClockSkewMinutes;
    const signingTime = signingTimeOf(message);
    if (skew === null || signingTime === null) return;
    const off = Math.abs(signingTime.getTime() - this.deps.core.clock.now().getTime());
    if (off > skew * 60_000) {
      throw new ScepFailure(
        'badTime',
        `The signingTime is ${Math.round(off / 60_000)} minutes off the server clock`,
      );
    }
  }

  #open(profile: Profile, message: PkiMessage): { content: Buffer; cipher: CipherSpec } {
    if (!message.envelope) throw new ScepFailure('badRequest', 'The pkiMessage has no pkcsPKIEnvelope');
    // Single DES only where the profile opts in (RFC 8894 §2.9).
    return openEnvelope(
      message.envelope,
      this.deps.ra,
      (c) => c.name !== 'des-cbc' || scepSettingsOf(profile).allowDes,
    );
  }

  async #dispatch(profile: Profile, message: PkiMessage, content: Buffer): Promise<Outcome> {
    const core = this.deps.core;
    switch (message.messageType) {
      case MessageType.PKCSReq:
      case MessageType.RenewalReq: {
        const csr = parseCsr(content);
        if (!csr.signatureValid)
          throw new ScepFailure('badMessageCheck', 'The CSR signature does not verify');
        const names = !scepSettingsOf(profile).mapUnstructuredNames ? undefined : subjectNames(content);
        return this.#enrol({
          profile,
          messageType: message.messageType,
          transactionID: message.transactionID,
          csrDer: csr.der,
          csr,
          ourSigner: await ourCertificate(core, message.signer, this.deps.ra.issuingSubject),
          signerKeySha256: message.signer.keySha256,
          names,
        });
      }
      case MessageType.CertPoll: {
        parseIssuerAndSubject(content);
        // A poll for a renewal is signed by the certificate being renewed, like the renewal was.
        const ourSigner = await ourCertificate(core, message.signer, this.deps.ra.issuingSubject);
        const request =
          (ourSigner &&
            (await core.store.requests.findByExternalRef(
              'scep',
              transactionRef(message.transactionID, ourSigner),
            ))) ||
          (await core.store.requests.findByExternalRef('scep', message.transactionID));
        // Someone else's request is answered as no request at all (RFC 8894 §3.3.3: the poll is
        // signed by the key that signed the request).
        if (!request || request.profileId !== profile.id || !isRequester(request, message.signer.keySha256)) {
          throw new ScepFailure('badCertId', 'No request with this transactionID');
        }
        return outcomeOfRequest(core, request, profile);
      }
      case MessageType.GetCert: {
        const { issuer, serialNumber } = parseIssuerAndSerial(content);
        const record = await core.store.certificates.get(serialNumber);
        if (!record || !this.#isOurIssuer(issuer)) throw new ScepFailure('badCertId', 'No such certificate');
        return outcomeOfRecord(record.pem);
      }
      case MessageType.GetCRL: {
        const { issuer } = parseIssuerAndSerial(content);
        if (!this.#isOurIssuer(issuer)) throw new ScepFailure('badCertId', 'No CRL for this issuer');
        return { status: 'SUCCESS', certificates: [], crls: [await core.ca.crl()] };
      }
      default:
        throw new ScepFailure('badRequest', `messageType ${message.messageType} is not a request`);
    }
  }

  #isOurIssuer(issuer: string): boolean {
    const issuing = this.deps.ra.issuing;
    return (
      issuing !== null && formatDn(issuing.tbsCertificate.subject).toLowerCase() === issuer.toLowerCase()
    );
  }

  #seal(message: PkiMessage, outcome: Outcome & { status: 'SUCCESS' }, cipher: CipherSpec): Uint8Array {
    return sealEnvelope(degenerate(outcome.certificates, outcome.crls), message.signer, cipher);
  }
}

function outcomeOfRecord(pem: string): Outcome {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return { status: 'SUCCESS', certificates: [new Uint8Array(der)] };
}
