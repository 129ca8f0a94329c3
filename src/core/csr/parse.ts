/**
 * Reading PKCS#10 certificate requests (RFC 2986) as every face receives them: DER or PEM, from
 * ACME, SCEP, the P10 API. Anything malformed becomes CoreError('bad_csr') with a reason a requester
 * can act on; no other error escapes.
 */
import { createHash } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  Attribute,
  Extensions,
  Name,
  SubjectAlternativeName,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import { CoreError } from '../errors.js';
import { readSingle } from '../../../ca/pki/der-read.js';
import { bytesOf, childrenOf, elementAt, type Element } from '../../../ca/pki/der-walk.js';
import { bytesToIp, ipToBytes } from '../../../ca/pki/ip.js';
import { formatDn } from '../../../ca/pki/names.js';
import { decodeCsrPem, looksLikePem } from './pem.js';
import { readPublicKey, type CsrPublicKey } from './public-key.js';
import { verifySignature } from './signature.js';

export type { CsrPublicKey } from './public-key.js';

/** A parsed certificate request. */
export interface ParsedCsr {
  /** The DER of the request (decoded from PEM when given PEM). */
  der: Uint8Array;
  /** RFC 4514, most specific RDN first ("CN=foo, O=Bar"); "" for an empty subject. */
  subject: string;
  /** The most specific commonName of the subject, if any. */
  commonName: string | null;
  /** dNSName entries of the requested subjectAltName, as written. */
  dnsNames: string[];
  /** iPAddress entries of the requested subjectAltName, in RFC 5952 canonical text. */
  ipAddresses: string[];
  /** rfc822Name entries of the requested subjectAltName. */
  emailAddresses: string[];
  /** The challengePassword attribute (RFC 2985 §5.4.1), SCEP's shared secret. */
  challengePassword: string | null;
  publicKey: CsrPublicKey;
  /** Whether the request's self-signature verifies with its own public key. */
  signatureValid: boolean;
  /** Lower-case hex SHA-256 of `der`. */
  sha256: string;
}

/** Larger inputs are refused before parsing: real requests are a few kilobytes at most. */
export const MAX_CSR_BYTES = 65_536;

const OID = {
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
  /** Microsoft's pre-standard equivalent of extensionRequest, still sent by Windows clients. */
  msCertExtensions: '1.3.6.1.4.1.311.2.1.14',
  commonName: '2.5.4.3',
} as const;

/**
 * Parses a certificate request given as DER bytes or PEM (a string, or bytes holding PEM text).
 * The signature is checked but not enforced: `signatureValid` reports it. Unsupported signature
 * algorithms throw bad_csr, since such a request can never be checked.
 */
export function parseCsr(input: Uint8Array | string): ParsedCsr {
  try {
    return parseUnchecked(input);
  } catch (error) {
    if (error instanceof CoreError) throw error;
    throw new CoreError('bad_csr', `The CSR is malformed: ${reason(error)}`, { cause: error });
  }
}

function reason(error: unknown): string {
  return error instanceof Error && error.message ? error.message : 'it does not parse as PKCS#10';
}

function parseUnchecked(input: Uint8Array | string): ParsedCsr {
  const der = toDer(input);
  let request: RequestParts;
  try {
    request = partsOf(der);
  } catch (error) {
    throw new CoreError('bad_csr', `The CSR is not a DER PKCS#10 request: ${reason(error)}`, {
      cause: error,
    });
  }
  if (request.version !== 0) {
    throw new CoreError(
      'bad_csr',
      `The CSR version is ${request.version}; only v1 (0) exists (RFC 2986 §4.1)`,
    );
  }
  const { subject, signatureAlgorithm, attributes } = decodeParts(request);
  const fields = readAttributes(attributes);
  const publicKey = readPublicKey(request.spki);
  const signatureValid = verifySignature(signatureAlgorithm, request.info, request.signature, publicKey.key);
  return {
    der,
    subject: formatDn(subject),
    commonName: commonNameOf(subject),
    ...fields,
    publicKey: publicKey.summary,
    signatureValid,
    sha256: createHash('sha256').update(der).digest('hex'),
  };
}

/**
 * A DER CertificationRequest (RFC 2986 §4) cut into its elements, each as the octets the request
 * holds: SEQUENCE { SEQUENCE { version, subject, subjectPKInfo, [0] attributes }, signatureAlgorithm,
 * signature }. Only the small parts are decoded with the schema library, one at a time.
 */
interface RequestParts {
  /** certificationRequestInfo, the signed octets. */
  info: Uint8Array;
  version: number;
  subject: Uint8Array;
  spki: Uint8Array;
  attributes: Uint8Array[];
  signatureAlgorithm: Uint8Array;
  /** The signature BIT STRING's octets. */
  signature: Uint8Array;
}

function expectTags(elements: Element[], tags: readonly number[], what: string): void {
  if (elements.length !== tags.length || elements.some((e, i) => e.tag !== tags[i])) {
    throw new Error(`the ${what} does not have the PKCS#10 structure`);
  }
}

function partsOf(der: Uint8Array): RequestParts {
  const outer = elementAt(der);
  if (outer.tag !== 0x30) throw new Error('it is not a DER SEQUENCE');
  if (outer.end !== der.length) throw new Error(`${der.length - outer.end} octets of trailing data`);
  const top = childrenOf(der, outer);
  expectTags(top, [0x30, 0x30, 0x03], 'request');
  const [info, algorithm, signature] = top as [Element, Element, Element];
  const fields = childrenOf(der, info);
  // Some encoders leave out an empty attributes set; the schema library accepted that too.
  expectTags(fields, fields.length === 3 ? [0x02, 0x30, 0x30] : [0x02, 0x30, 0x30, 0xa0], 'request info');
  const [version, subject, spki, attributes] = fields as [Element, Element, Element, Element | undefined];
  const slice = (e: Element) => bytesOf(der, e);
  if (der[signature.contentStart] !== 0) throw new Error('the signature has unused bits');
  return {
    info: slice(info),
    version: smallInteger(der.subarray(version.contentStart, version.end)),
    subject: slice(subject),
    spki: slice(spki),
    attributes: attributes ? childrenOf(der, attributes).map(slice) : [],
    signatureAlgorithm: slice(algorithm),
    signature: der.subarray(signature.contentStart + 1, signature.end),
  };
}

/** A non-negative INTEGER of a few octets (the version); -1 for anything else, which no CSR has. */
function smallInteger(content: Uint8Array): number {
  if (content.length === 0 || content.length > 4 || (content[0] as number) & 0x80) return -1;
  return content.reduce((n, octet) => n * 256 + octet, 0);
}

function decodeParts(request: RequestParts): {
  subject: Name;
  signatureAlgorithm: AlgorithmIdentifier;
  attributes: Attribute[];
} {
  try {
    return {
      subject: AsnConvert.parse(request.subject, Name),
      signatureAlgorithm: AsnConvert.parse(request.signatureAlgorithm, AlgorithmIdentifier),
      attributes: request.attributes.map((a) => AsnConvert.parse(a, Attribute)),
    };
  } catch (error) {
    throw new CoreError('bad_csr', `The CSR is not a DER PKCS#10 request: ${reason(error)}`, {
      cause: error,
    });
  }
}

function toDer(input: Uint8Array | string): Uint8Array {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size === 0 || (typeof input === 'string' && input.trim() === '')) {
    throw new CoreError('bad_csr', 'The CSR is empty');
  }
  if (size > MAX_CSR_BYTES) {
    throw new CoreError('bad_csr', `The CSR is larger than ${MAX_CSR_BYTES} bytes`);
  }
  if (typeof input === 'string') {
    return decodeCsrPem(input);
  }
  if (looksLikePem(input)) {
    return decodeCsrPem(Buffer.from(input).toString('latin1'));
  }
  return new Uint8Array(input);
}

function commonNameOf(subject: Name): string | null {
  let found: string | null = null;
  for (const rdn of subject) {
    for (const atv of rdn) {
      if (atv.type === OID.commonName) {
        const v = atv.value;
        found =
          v.utf8String ??
          v.printableString ??
          v.ia5String ??
          v.bmpString ??
          v.universalString ??
          v.teletexString ??
          null;
      }
    }
  }
  return found;
}

type AttributeFields = Pick<ParsedCsr, 'dnsNames' | 'ipAddresses' | 'emailAddresses' | 'challengePassword'>;

function readAttributes(attributes: readonly Attribute[]): AttributeFields {
  const fields: AttributeFields = {
    dnsNames: [],
    ipAddresses: [],
    emailAddresses: [],
    challengePassword: null,
  };
  const seen = new Set<string>();
  for (const attribute of attributes) {
    const type = attribute.type === OID.msCertExtensions ? OID.extensionRequest : attribute.type;
    if (type !== OID.extensionRequest && type !== OID.challengePassword) continue;
    // Both attributes are SINGLE VALUE and may appear once (RFC 2985 §5.4.1, §5.4.2).
    const [value, ...more] = attribute.values;
    if (seen.has(type) || !value || more.length > 0) {
      throw new CoreError('bad_csr', `The CSR has a repeated or empty ${attributeName(type)} attribute`);
    }
    seen.add(type);
    if (type === OID.challengePassword) {
      fields.challengePassword = readChallengePassword(new Uint8Array(value));
    } else {
      Object.assign(fields, readSubjectAltName(AsnConvert.parse(value, Extensions)));
    }
  }
  return fields;
}

function attributeName(oid: string): string {
  return oid === OID.challengePassword ? 'challengePassword' : 'extensionRequest';
}

/**
 * challengePassword is a DirectoryString (RFC 2985 §5.4.1); devices send PrintableString or
 * UTF8String, and some IA5String (not in the syntax, but common enough in SCEP to accept).
 */
function readChallengePassword(value: Uint8Array): string {
  let element: { tag: number; content: Uint8Array };
  try {
    element = readSingle(value, [0x13, 0x0c, 0x16]);
  } catch {
    throw new CoreError(
      'bad_csr',
      'The CSR challengePassword is not a PrintableString, UTF8String or IA5String',
    );
  }
  try {
    return new TextDecoder(element.tag === 0x0c ? 'utf-8' : 'ascii', { fatal: true }).decode(element.content);
  } catch {
    throw new CoreError('bad_csr', 'The CSR challengePassword is not valid text');
  }
}

function readSubjectAltName(extensions: Extensions): Omit<AttributeFields, 'challengePassword'> {
  const sans = extensions.filter((e) => e.extnID === id_ce_subjectAltName);
  if (sans.length > 1) {
    // RFC 5280 §4.2: an extension appears at most once.
    throw new CoreError('bad_csr', 'The CSR requests subjectAltName twice');
  }
  const result = { dnsNames: [] as string[], ipAddresses: [] as string[], emailAddresses: [] as string[] };
  if (!sans[0]) return result;
  for (const name of AsnConvert.parse(sans[0].extnValue.buffer, SubjectAlternativeName)) {
    if (name.dNSName !== undefined) result.dnsNames.push(name.dNSName);
    if (name.rfc822Name !== undefined) result.emailAddresses.push(name.rfc822Name);
    if (name.iPAddress !== undefined) {
      // The library renders the octets as text; 4 or 16 octets are the only addresses (§4.2.1.6).
      const bytes = ipToBytes(name.iPAddress);
      if (!bytes) throw new CoreError('bad_csr', 'The CSR requests an iPAddress that is not 4 or 16 octets');
      result.ipAddresses.push(bytesToIp(bytes) as string);
    }
  }
  return result;
}
