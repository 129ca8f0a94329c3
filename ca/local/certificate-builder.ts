/**
 * Builds and signs X.509 v3 certificates (RFC 5280 §4.1): the TBSCertificate is assembled with the
 * DER writer from parts encoded once (the issuer name and the extensions every certificate shares
 * are encoded on first use, the key is copied as the request holds it), signed with node:crypto, and
 * wrapped. Names and extensions are @peculiar/asn1-x509 objects, each serialized on its own.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Extension, Name } from '@peculiar/asn1-x509';
import type { KeyUsageName } from '../types.js';
import {
  authorityInfoAccess,
  authorityKeyIdentifier,
  basicConstraints,
  crlDistributionPoints,
  extendedKeyUsage,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
} from './extensions.js';
import { signDer, type CaSigner } from './keys.js';
import { bitString, contextConstructed, sequence, time, tlv } from '../pki/der.js';
import { toPem } from '../pki/pem.js';
import type { SerialNumber } from './serial.js';

/** Everything in a TBSCertificate except what the signer determines. */
export interface CertificateContents {
  serial: SerialNumber;
  issuer: Name;
  subject: Name;
  notBefore: Date;
  notAfter: Date;
  /** DER SubjectPublicKeyInfo, taken verbatim from the request: the CA certifies the key it was shown. */
  spki: Uint8Array;
  extensions: Extension[];
}

/** A signed certificate in the forms callers need. */
export interface SignedCertificate {
  der: Uint8Array;
  pem: string;
}

/** Truncates to whole seconds: X.509 times carry no fractions (RFC 5280 §4.1.2.5.1, §4.1.2.5.2). */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Encodes the TBSCertificate, signs it with the issuer key and assembles the Certificate. */
export function signCertificate(contents: CertificateContents, signer: CaSigner): SignedCertificate {
  const notBefore = wholeSeconds(contents.notBefore);
  const notAfter = wholeSeconds(contents.notAfter);
  if (!(notBefore.getTime() < notAfter.getTime())) {
    throw new Error('certificate notAfter must be later than notBefore');
  }
  const { extensions } = contents;
  const tbsDer = sequence(
    // v3 because there are extensions (§4.1.2.1).
    VERSION_3,
    tlv(0x02, contents.serial.bytes),
    // §4.1.2.3: must equal Certificate.signatureAlgorithm.
    encodedOnce(signer.algorithm),
    encodedOnce(contents.issuer),
    // UTCTime through 2049 and GeneralizedTime from 2050 (§4.1.2.5).
    sequence(time(notBefore), time(notAfter)),
    encodedOnce(contents.subject),
    contents.spki,
    ...(extensions.length > 0 ? [contextConstructed(3, sequence(...extensions.map(encodedOnce)))] : []),
  );
  const signature = signDer(signer, tbsDer);
  // §4.1: Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, wrapped
  // around the TBSCertificate octets just signed.
  const der = new Uint8Array(sequence(tbsDer, encodedOnce(signer.algorithm), bitString(signature)));
  return { der, pem: toPem(der, 'CERTIFICATE') };
}

/** [0] EXPLICIT Version v3 (2). */
const VERSION_3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);

/**
 * DER of a schema object, kept for objects met again: the issuer's name, the signer's algorithm and
 * the shared extensions are the same objects for every certificate. Objects given to the builder are
 * never changed afterwards (see {@link shared}).
 */
const encodings = new WeakMap<object, Uint8Array>();

function encodedOnce(value: object): Uint8Array {
  let der = encodings.get(value);
  if (!der) {
    der = new Uint8Array(AsnConvert.serialize(value));
    encodings.set(value, der);
  }
  return der;
}

/** What decides an end-entity certificate's extensions. */
export interface EndEntityExtensionOptions {
  subjectIsEmpty: boolean;
  dnsNames: readonly string[];
  ipAddresses: readonly Uint8Array[];
  keyUsage: readonly KeyUsageName[];
  extendedKeyUsage: readonly string[];
  subjectKeyId: Uint8Array;
  issuerKeyId: Uint8Array;
  /** Omitted from the certificate when empty. */
  crlUrl: string;
  /** Omitted from the certificate when empty. */
  caIssuersUrl: string;
}

/**
 * The extensions of an end-entity certificate: cA=false, the template's key usages and purposes,
 * SANs, key identifiers, and where to find the CRL and the issuer certificate.
 */
export function endEntityExtensions(options: EndEntityExtensionOptions): Extension[] {
  // §4.2.1.3: keyCertSign needs cA=true, and §4.2.1.9 forbids it otherwise; cRLSign likewise marks a
  // CRL issuer. Neither belongs on a leaf, whatever the template says.
  const caUsage = options.keyUsage.find((usage) => usage === 'keyCertSign' || usage === 'cRLSign');
  if (caUsage) {
    throw new Error(`key usage ${caUsage} is reserved for CA certificates`);
  }
  if (options.subjectIsEmpty && options.dnsNames.length === 0 && options.ipAddresses.length === 0) {
    // §4.1.2.6: with an empty subject the identity must be in a (critical) subjectAltName.
    throw new Error('a certificate needs a subject or at least one subject alternative name');
  }
  const { crlUrl, caIssuersUrl, issuerKeyId } = options;
  const extensions = [
    shared('bc', () => basicConstraints(false)),
    shared(`ku:${options.keyUsage.join()}`, () => keyUsage(options.keyUsage)),
    shared(`eku:${options.extendedKeyUsage.join()}`, () => extendedKeyUsage(options.extendedKeyUsage)),
    subjectAltName(options.dnsNames, options.ipAddresses, options.subjectIsEmpty),
    subjectKeyIdentifier(options.subjectKeyId),
    shared(`aki:${Buffer.from(issuerKeyId).toString('hex')}`, () => authorityKeyIdentifier(issuerKeyId)),
    crlUrl ? shared(`cdp:${crlUrl}`, () => crlDistributionPoints(crlUrl)) : null,
    caIssuersUrl ? shared(`aia:${caIssuersUrl}`, () => authorityInfoAccess(caIssuersUrl)) : null,
  ];
  return extensions.filter((e): e is Extension => e !== null);
}

/**
 * The extensions that depend only on the template and the CA are the same for every certificate:
 * built and encoded once. They are only ever serialized, never changed, so sharing them is safe.
 */
const sharedExtensions = new Map<string, Extension | null>();

function shared(key: string, build: () => Extension | null): Extension | null {
  if (sharedExtensions.has(key)) return sharedExtensions.get(key) ?? null;
  const built = build();
  if (sharedExtensions.size < 256) sharedExtensions.set(key, built);
  return built;
}

/**
 * The extensions of a CA certificate: critical cA=true (pathLen 0 for the issuing CA, which signs
 * only leaves), critical keyCertSign + cRLSign (+ digitalSignature), SKI, and AKI unless self-signed
 * (§4.2.1.1 allows omitting it there). No EKU: it would constrain the whole chain in some verifiers.
 */
export function caExtensions(options: {
  subjectKeyId: Uint8Array;
  issuerKeyId?: Uint8Array;
  pathLenConstraint?: number;
}): Extension[] {
  const extensions = [
    basicConstraints(true, options.pathLenConstraint),
    keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign']),
    subjectKeyIdentifier(options.subjectKeyId),
    options.issuerKeyId ? authorityKeyIdentifier(options.issuerKeyId) : null,
  ];
  return extensions.filter((e): e is Extension => e !== null);
}
