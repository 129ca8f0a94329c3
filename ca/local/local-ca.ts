/**
 * The built-in CA: a root and an issuing CA kept in the gateway's store, issuing certificates in
 * process. It implements policy-free issuance; what may be issued is decided by the core beforehand.
 */
import { generateKeyPairSync } from 'node:crypto';
import { isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import type {
  CertificateAuthority,
  IssueInput,
  IssuedCertificate,
  IssuanceTemplate,
  RevocationReason,
} from '../types.js';
import { openCaMaterial, readCaCertificate, type LoadedCaMaterial } from './bootstrap.js';
import { endEntityExtensions, signCertificate, wholeSeconds } from './certificate-builder.js';
import { CrlPublisher } from './crl.js';
import { keyIdentifier } from './extensions.js';
import { readTlv } from '../pki/der-read.js';
import { bytesToIp, ipToBytes } from '../pki/ip.js';
import { escapeDnValue, formatDn, parseDn } from '../pki/names.js';
import { validateLocalCaOptions, type LocalCaOptions } from './options.js';
import { recertifyIssuing } from './rollover.js';
import { openScepRa, type ScepRaMaterial } from './scep-ra.js';
import { generateSerialNumber, serialFromHex } from './serial.js';

export type { LocalCaOptions } from './options.js';

/**
 * The subject and subjectPKInfo of a DER CertificationRequest (RFC 2986 §4.1: SEQUENCE { SEQUENCE {
 * version, subject, subjectPKInfo, [0] attributes }, signatureAlgorithm, signature }) as their DER
 * octets: the caller has already parsed and checked the whole request, and the key is certified
 * exactly as it was shown.
 */
function subjectAndKeyOf(csrDer: Uint8Array): {
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  keyId: Uint8Array;
} {
  try {
    const request = readTlv(csrDer);
    const info = readTlv(csrDer, request.contentStart);
    const version = readTlv(csrDer, info.contentStart);
    const subject = readTlv(csrDer, version.end);
    const spki = readTlv(csrDer, subject.end);
    if (request.tag !== 0x30 || info.tag !== 0x30 || version.tag !== 0x02 || spki.end > info.end) {
      throw new Error('unexpected structure');
    }
    const spkiDer = csrDer.subarray(subject.end, spki.end);
    // Read here so that a key the CA cannot identify is refused as part of a malformed request.
    return { subjectDer: csrDer.subarray(version.end, subject.end), spkiDer, keyId: keyIdentifier(spkiDer) };
  } catch (cause) {
    throw new Error('the certificate request is not a DER PKCS#10 CertificationRequest', { cause });
  }
}

/** A TLS server certificate for the gateway's own HTTPS listener, with its key. */
export interface ServerCertificate {
  certPem: string;
  /** Unencrypted PKCS#8 PEM: store it only sealed. */
  keyPem: string;
  /** Issuing CA first, root last. */
  chainPem: string[];
  serialNumber: string;
  /** RFC 4514 subject ("CN=<first name>", or "" when that name is too long for a CN). */
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
}

const DAY_MS = 86_400_000;
/** id-kp-serverAuth (RFC 5280 §4.2.1.12). */
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
/** ub-common-name (RFC 5280 Appendix A). */
const MAX_COMMON_NAME = 64;

/** The built-in CA. Create with {@link LocalCa.open}. */
export class LocalCa implements CertificateAuthority {
  private readonly crlPublisher: CrlPublisher;
  private chain: readonly string[];
  private scepRaMaterial: Promise<ScepRaMaterial> | null = null;

  private constructor(
    private material: LoadedCaMaterial,
    private readonly options: LocalCaOptions & { now: () => Date },
  ) {
    this.chain = [material.issuing.pem, material.root.pem];
    this.crlPublisher = new CrlPublisher({
      store: options.store,
      issuer: material.issuing,
      signer: material.issuingSigner,
      validityHours: options.crlValidityHours,
      now: options.now,
    });
  }

  /**
   * Loads the CA from the store, creating it on first start. Fails with a message naming the CA
   * passphrase when it does not decrypt the stored keys.
   */
  static async open(options: LocalCaOptions): Promise<LocalCa> {
    validateLocalCaOptions(options);
    const resolved = { ...options, now: options.now ?? (() => new Date()) };
    const material = await openCaMaterial({
      ...resolved,
      commonName: options.commonName ?? 'Enrollment Gateway',
    });
    return new LocalCa(material, resolved);
  }

  /** The root CA certificate as PEM. */
  get rootCertificatePem(): string {
    return this.material.root.pem;
  }

  /** The root CA certificate as DER. */
  get rootCertificateDer(): Uint8Array {
    return this.material.root.der.slice();
  }

  /** The issuing CA certificate as PEM. */
  get issuingCertificatePem(): string {
    return this.material.issuing.pem;
  }

  /** The issuing CA certificate as DER. */
  get issuingCertificateDer(): Uint8Array {
    return this.material.issuing.der.slice();
  }

  /**
   * Issues a certificate for the CSR's public key under the template. The CSR is only read for its
   * public key and (when the template has none) its subject; its signature is the caller's concern.
   */
  async issue(input: IssueInput): Promise<IssuedCertificate> {
    const requested = subjectAndKeyOf(input.csrDer);
    const subject =
      input.template.subject === undefined
        ? AsnConvert.parse(requested.subjectDer, Name)
        : parseDn(input.template.subject);
    return this.sign(subject, requested.spkiDer, input.template, requested.keyId);
  }

  /**
   * Issues the gateway's own TLS server certificate with a fresh P-256 key: names that parse as IP
   * addresses go into iPAddress SANs, the rest into dNSName SANs; EKU serverAuth, KU digitalSignature.
   * Valid from `at` (the caller's clock). The caller records the certificate and keeps the key.
   */
  issueServerCertificate(
    names: string[],
    validityDays: number,
    at: Date = this.options.now(),
  ): ServerCertificate {
    if (names.length === 0) {
      throw new Error('a server certificate needs at least one name');
    }
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const first = names[0] as string;
    // The CN duplicates the first name for old clients; SANs are what TLS clients check (RFC 6125).
    const subject = first.length <= MAX_COMMON_NAME ? parseDn(`CN=${escapeDnValue(first)}`) : new Name();
    // Backdated a minute against clients whose clocks are slightly behind ours.
    const now = at.getTime();
    const issued = this.sign(subject, spki, {
      dnsNames: names.filter((name) => isIP(name) === 0),
      ipAddresses: names.filter((name) => isIP(name) !== 0),
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + validityDays * DAY_MS),
      keyUsage: ['digitalSignature'],
      extendedKeyUsage: [SERVER_AUTH],
    });
    return {
      certPem: issued.pem,
      keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
      chainPem: issued.chainPem,
      serialNumber: issued.serialNumber,
      subject: issued.subject,
      dnsNames: issued.dnsNames,
      ipAddresses: issued.ipAddresses,
      notBefore: issued.notBefore,
      notAfter: issued.notAfter,
    };
  }

  /** Records the revocation in the store and drops the cached CRL. Idempotent (the store keeps the first). */
  async revoke(serialNumber: string, reason: RevocationReason, revokedAt: Date): Promise<void> {
    const serial = serialFromHex(serialNumber);
    await this.options.store.addRevocation({ serialNumber: serial.hex, reason, revokedAt });
    this.crlPublisher.invalidate();
  }

  /**
   * The SCEP RA certificate and key (RSA, keyEncipherment + digitalSignature, issued by the issuing
   * CA), created in the store on first call and shared by every instance.
   */
  scepRa(): Promise<ScepRaMaterial> {
    this.scepRaMaterial ??= openScepRa({
      store: this.options.store,
      passphrase: this.options.passphrase,
      commonName: this.options.commonName ?? 'Enrollment Gateway',
      issuing: this.material.issuing,
      issuingSigner: this.material.issuingSigner,
      crlUrl: this.options.crlUrl,
      caIssuersUrl: this.options.caIssuersUrl,
      now: this.options.now,
    }).catch((err: unknown) => {
      this.scepRaMaterial = null;
      throw err;
    });
    return this.scepRaMaterial;
  }

  /**
   * Prepares the issuing CA's rollover certificate (rollover.ts: same key and subject, new validity)
   * and publishes it for GetNextCACert on every instance; replaces one prepared before. Returns it.
   */
  async prepareRollover(validityDays = this.options.issuingValidityDays): Promise<string> {
    const stored = await this.options.store.loadMaterial();
    if (!stored) throw new Error('the CA store holds no CA');
    const next = recertifyIssuing(stored, this.options.passphrase, validityDays, this.options.now());
    await this.options.store.saveNextIssuingCertificate(next.pem);
    return next.pem;
  }

  /**
   * The rollover chain (next issuing certificate first, root last) while one is prepared, else null.
   * Read from the store each time: the CLI or another instance prepares it.
   */
  async nextChain(): Promise<string[] | null> {
    const next = (await this.options.store.loadMaterial())?.nextIssuingCertPem;
    return next ? [next, this.material.root.pem] : null;
  }

  /**
   * Makes the prepared rollover certificate the issuing CA certificate: in the store, and in this
   * instance's chains at once (other running instances load it when they restart; until then their
   * chains carry the old certificate, which verifies the same signatures). Null when none is prepared.
   */
  async activateRollover(): Promise<string | null> {
    const next = (await this.options.store.loadMaterial())?.nextIssuingCertPem;
    if (!next || !(await this.options.store.activateNextIssuingCertificate(next))) return null;
    const issuing = readCaCertificate(next, 'issuing CA');
    this.material = { ...this.material, issuing };
    this.chain = [issuing.pem, this.material.root.pem];
    return next;
  }

  /** Issuing CA first, root last, as PEM. */
  caChain(): string[] {
    return [...this.chain];
  }

  /** The current DER CRL of the issuing CA (signed at most a minute ago). */
  crl(): Promise<Uint8Array> {
    return this.crlPublisher.current();
  }

  private sign(
    subject: Name,
    spki: Uint8Array,
    template: Omit<IssuanceTemplate, 'subject'>,
    subjectKeyId = keyIdentifier(spki),
  ): IssuedCertificate {
    const issuing = this.material.issuing;
    const notAfter = wholeSeconds(template.notAfter);
    if (notAfter > issuing.certificate.tbsCertificate.validity.notAfter.getTime()) {
      throw new Error('the requested notAfter is later than the issuing CA certificate expires');
    }
    const dnsNames = [...new Set(template.dnsNames)];
    const ipBytes = template.ipAddresses.map((text) => {
      const bytes = ipToBytes(text);
      if (!bytes) throw new Error(`invalid IP address ${JSON.stringify(text)}`);
      return bytes;
    });
    const ipAddresses = [...new Set(ipBytes.map((bytes) => bytesToIp(bytes) as string))];
    const serial = generateSerialNumber();
    const signed = signCertificate(
      {
        serial,
        issuer: issuing.certificate.tbsCertificate.subject,
        subject,
        notBefore: template.notBefore,
        notAfter,
        spki,
        extensions: endEntityExtensions({
          subjectIsEmpty: subject.length === 0,
          dnsNames,
          ipAddresses: ipAddresses.map((ip) => ipToBytes(ip) as Uint8Array),
          keyUsage: template.keyUsage,
          extendedKeyUsage: template.extendedKeyUsage,
          subjectKeyId,
          issuerKeyId: issuing.keyId,
          crlUrl: this.options.crlUrl,
          caIssuersUrl: this.options.caIssuersUrl,
        }),
      },
      this.material.issuingSigner,
    );
    return {
      serialNumber: serial.hex,
      der: signed.der,
      pem: signed.pem,
      subject: formatDn(subject),
      dnsNames,
      ipAddresses,
      notBefore: wholeSeconds(template.notBefore),
      notAfter,
      chainPem: [...this.chain],
    };
  }
}
