/**
 * The issuing CA's CRL: an X.509 v2 CRL (RFC 5280 §5) listing every revocation in the store, signed
 * on demand and cached briefly so that a burst of CRL downloads costs one signature.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier,
  CertificateList,
  CRLNumber,
  CRLReason,
  Extension,
  KeyIdentifier,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import type { CaCertificate } from './bootstrap.js';
import { signDer, type CaSigner } from './keys.js';
import { serialFromHex } from './serial.js';
import type { CaRevocation, LocalCaStore } from './store.js';

/** What the CRL publisher needs. */
export interface CrlPublisherOptions {
  store: LocalCaStore;
  issuer: CaCertificate;
  signer: CaSigner;
  /** nextUpdate = thisUpdate + this many hours (§5.1.2.5). */
  validityHours: number;
  now: () => Date;
  /** How long a signed CRL is served from memory; 60 s by default. */
  cacheMs?: number;
}

const DEFAULT_CACHE_MS = 60_000;

function extension(extnID: string, value: object): Extension {
  return new Extension({ extnID, critical: false, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** Signs CRLs and caches the latest one; `invalidate()` after every revocation this instance makes. */
export class CrlPublisher {
  private cached: { der: Uint8Array; expiresAt: number } | null = null;
  private inflight: Promise<Uint8Array> | null = null;
  private generation = 0;
  private lastNumber = 0;

  constructor(private readonly options: CrlPublisherOptions) {}

  /** The cached CRL while fresh, else a newly signed one (concurrent callers share one signing). */
  async current(): Promise<Uint8Array> {
    const now = this.options.now().getTime();
    if (this.cached && now < this.cached.expiresAt) {
      return this.cached.der;
    }
    if (this.inflight) {
      return this.inflight;
    }
    const generation = this.generation;
    const pending = this.sign().then((der) => {
      // A revocation made while we were signing must not be hidden behind this older CRL.
      if (generation === this.generation) {
        this.cached = { der, expiresAt: now + (this.options.cacheMs ?? DEFAULT_CACHE_MS) };
      }
      return der;
    });
    this.inflight = pending;
    const clear = (): void => {
      if (this.inflight === pending) this.inflight = null;
    };
    pending.then(clear, clear);
    return pending;
  }

  /** Drops the cached CRL so that the next request lists the latest revocations. */
  invalidate(): void {
    this.generation += 1;
    this.cached = null;
    this.inflight = null;
  }

  private async sign(): Promise<Uint8Array> {
    const revocations = await this.options.store.listRevocations();
    const thisUpdate = this.options.now();
    const nextUpdate = new Date(thisUpdate.getTime() + this.options.validityHours * 3_600_000);
    const tbs = new TBSCertList({
      // v2 because the CRL carries extensions (§5.1.2.1).
      version: Version.v2,
      signature: this.options.signer.algorithm,
      // §5.1.2.3: the issuer is exactly the issuing CA certificate's subject.
      issuer: this.options.issuer.certificate.tbsCertificate.subject,
      thisUpdate: new Time(thisUpdate),
      nextUpdate: new Time(nextUpdate),
      revokedCertificates: revocations.length > 0 ? revokedEntries(revocations) : undefined,
      crlExtensions: [
        // §5.2.1: conforming CRL issuers MUST include AKI.
        extension(
          id_ce_authorityKeyIdentifier,
          new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(this.options.issuer.keyId) }),
        ),
        // §5.2.3: a monotonically increasing CRLNumber, MUST be present.
        extension(id_ce_cRLNumber, new CRLNumber(this.nextNumber(thisUpdate))),
      ],
    });
    const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
    const signature = signDer(this.options.signer, tbsDer);
    const list = new CertificateList({
      tbsCertList: tbs,
      signatureAlgorithm: this.options.signer.algorithm,
      signature: signature.buffer as ArrayBuffer,
    });
    return new Uint8Array(AsnConvert.serialize(list));
  }

  /**
   * Milliseconds since the epoch: increasing across instances without shared state (as far as
   * their clocks agree), and strictly increasing within this one. Well under §5.2.3's 20 octets.
   */
  private nextNumber(thisUpdate: Date): number {
    this.lastNumber = Math.max(thisUpdate.getTime(), this.lastNumber + 1);
    return this.lastNumber;
  }
}

function revokedEntries(revocations: readonly CaRevocation[]): RevokedCertificate[] {
  const bySerial = new Map<string, RevokedCertificate>();
  for (const revocation of revocations) {
    const serial = serialFromHex(revocation.serialNumber);
    if (bySerial.has(serial.hex)) continue;
    bySerial.set(
      serial.hex,
      new RevokedCertificate({
        userCertificate: serial.bytes.slice().buffer,
        revocationDate: new Time(revocation.revokedAt),
        // §5.3.1: reason code unspecified (0) SHOULD be expressed by omitting the extension.
        crlEntryExtensions:
          revocation.reason === 0
            ? undefined
            : [extension(id_ce_cRLReasons, new CRLReason(revocation.reason))],
      }),
    );
  }
  return [...bySerial.values()];
}
