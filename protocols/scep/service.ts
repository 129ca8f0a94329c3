/**
 * The SCEP service, one method per RFC 8894 operation (micromdm/scep's Service): GetCACaps,
 * GetCACert, GetNextCACert and PKIOperation. Transport-free: routes.ts turns HTTP into these calls.
 */
import type { Core } from '../../src/core/core.js';
import { fromPem } from '../../ca/pki/pem.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { caCertAnswer } from './ca-cert-answer.js';
import { capabilitiesText } from './caps.js';
import { ScepHttpError, type ScepFailure } from './errors.js';
import { PkiOperation } from './pki-operation.js';
import { loadRa, type Ra, type RaCredentials } from './ra.js';
import { scepSettingsOf } from './settings.js';
import { contentTypes } from './transport.js';
import type { PkiMessage } from './wire/pki-message.js';
import { degenerate, signedData } from './wire/signed-data.js';

export interface ScepServiceDeps {
  core: Core;
  ra: RaCredentials;
  /** The next CA certificate chain during a rollover (issuing first), or null when none is pending. */
  nextCaChainPem?: () => Promise<string[] | null>;
  onFailure?: (failure: ScepFailure, message: PkiMessage) => void;
}

export interface Reply {
  contentType: string;
  body: Uint8Array | string;
  /** The request header the answer depends on, for caches (RFC 9110 §12.5.5 Vary). */
  vary?: string;
}

/** The SCEP operations for one gateway; the profile is resolved per request from the URL. */
export class ScepService {
  readonly ra: Ra;
  readonly #pkiOperation: PkiOperation;

  constructor(private readonly deps: ScepServiceDeps) {
    this.ra = loadRa(deps.ra);
    this.#pkiOperation = new PkiOperation({ core: deps.core, ra: this.ra, onFailure: deps.onFailure });
  }

  /** RFC 8894 §3.5.2. */
  async GetCACaps(profile: Profile): Promise<Reply> {
    return {
      contentType: contentTypes.caps,
      body: capabilitiesText(scepSettingsOf(profile).capabilities, (await this.#nextChain()) !== null),
    };
  }

  /**
   * RFC 8894 §4.2.1: with an RA, a degenerate PKCS#7 holding the RA certificate first and then the CA
   * chain (application/x-x509-ca-ra-cert), or the RA certificate alone as DER for clients that
   * encrypt to every certificate they receive and choke on a non-RSA CA (ca-cert-answer.ts).
   */
  GetCACert(profile: Profile, client: { userAgent?: string } = {}): Reply {
    const format = scepSettingsOf(profile).caCertFormat;
    const vary = format === 'auto' && !this.ra.chainIsRsa ? { vary: 'User-Agent' } : {};
    if (caCertAnswer(format, this.ra.chainIsRsa, client.userAgent) === 'ra-only') {
      return { contentType: contentTypes.caCert, body: this.ra.certificateDer, ...vary };
    }
    return { contentType: contentTypes.caRaCert, body: this.ra.caRaCertDer, ...vary };
  }

  /** RFC 8894 §4.7: the rollover chain in a SignedData signed by the current RA; 404 without a rollover. */
  async GetNextCACert(): Promise<Reply> {
    const next = await this.#nextChain();
    if (!next) throw new ScepHttpError(404, 'No CA rollover is pending');
    const content = degenerate(next.map((pem) => fromPem(pem, 'CERTIFICATE')));
    return {
      contentType: contentTypes.nextCaCert,
      body: signedData({
        signer: this.ra,
        digestOid: '2.16.840.1.101.3.4.2.1',
        content,
        attributes: [],
        now: this.deps.core.clock.now(),
      }),
    };
  }

  /** RFC 8894 §3.3: a CertRep for any pkiMessage; ScepHttpError while the message is unanswerable. */
  async PKIOperation(profile: Profile, der: Uint8Array): Promise<Reply> {
    return { contentType: contentTypes.pkiMessage, body: await this.#pkiOperation.handle(profile, der) };
  }

  async #nextChain(): Promise<string[] | null> {
    const next = (await this.deps.nextCaChainPem?.()) ?? null;
    return next && next.length > 0 ? next : null;
  }
}
