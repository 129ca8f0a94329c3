/**
 * Building PKCS#10 requests (RFC 2986) for keys the gateway holds itself: P12 enrolment generates
 * the key on the server and still goes through the one CSR-based issuance path. Tests use it too.
 */
import { createPublicKey, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Attributes, CertificationRequest, CertificationRequestInfo } from '@peculiar/asn1-csr';
import {
  AlgorithmIdentifier,
  Attribute,
  DirectoryString,
  Extension,
  Extensions,
  GeneralName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  id_ce_subjectAltName,
  type Name,
} from '@peculiar/asn1-x509';
import { CoreError } from '../errors.js';
import { ipForAsn1, ipToBytes } from '../../../ca/pki/ip.js';
import { DnSyntaxError, parseDn } from '../../../ca/pki/names.js';

export { toPem } from '../../../ca/pki/pem.js';

/** What goes into a request. */
export interface BuildCsrOptions {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** RFC 4514 subject, for example "CN=device-1, O=Example"; "" for an empty subject. */
  subject: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  /** Written as the challengePassword attribute (RFC 2985 §5.4.1), as SCEP clients do. */
  challengePassword?: string;
}

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';
const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

/**
 * Signature algorithm per key type: SHA-256 with ECDSA (RFC 5758 §3.2, parameters absent) or RSA
 * PKCS#1 v1.5 (RFC 4055 §5, NULL parameters), and pure Ed25519 (RFC 8410 §3, parameters absent).
 */
function signatureAlgorithm(key: KeyObject): { algorithm: AlgorithmIdentifier; hash: 'sha256' | null } {
  switch (key.asymmetricKeyType) {
    case 'ec':
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), hash: 'sha256' };
    case 'rsa':
      return {
        algorithm: new AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: null }),
        hash: 'sha256',
      };
    case 'ed25519':
      return { algorithm: new AlgorithmIdentifier({ algorithm: '1.3.101.112' }), hash: null };
    default:
      throw new CoreError('invalid_input', `Cannot sign a CSR with a ${String(key.asymmetricKeyType)} key`);
  }
}

/** Builds and signs a DER PKCS#10 request. Invalid subjects, names or keys throw invalid_input. */
export function buildCsr(options: BuildCsrOptions): Uint8Array {
  const spkiDer = options.publicKey.export({ type: 'spki', format: 'der' });
  if (!createPublicKey(options.privateKey).export({ type: 'spki', format: 'der' }).equals(spkiDer)) {
    throw new CoreError('invalid_input', 'The CSR public key does not belong to the private key');
  }
  const { algorithm, hash } = signatureAlgorithm(options.privateKey);
  let subject: Name;
  try {
    subject = parseDn(options.subject);
  } catch (error) {
    if (error instanceof DnSyntaxError)
      throw new CoreError('invalid_input', `Invalid subject: ${error.message}`);
    throw error;
  }
  const attributes: Attribute[] = [];
  if (options.challengePassword !== undefined) {
    attributes.push(challengePasswordAttribute(options.challengePassword));
  }
  const san = subjectAltName(options.dnsNames ?? [], options.ipAddresses ?? [], subject.length === 0);
  if (san) {
    attributes.push(
      new Attribute({ type: EXTENSION_REQUEST, values: [AsnConvert.serialize(new Extensions([san]))] }),
    );
  }
  const info = new CertificationRequestInfo({
    version: 0,
    subject,
    subjectPKInfo: AsnConvert.parse(spkiDer, SubjectPublicKeyInfo),
    attributes: new Attributes(sortedByDer(attributes)),
  });
  const infoDer = new Uint8Array(AsnConvert.serialize(info));
  const signature = sign(hash, infoDer, options.privateKey);
  const request = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: algorithm,
    signature: new Uint8Array(signature).buffer,
  });
  return new Uint8Array(AsnConvert.serialize(request));
}

/** PrintableString when the password fits its repertoire (what most SCEP servers expect), else UTF8String. */
function challengePasswordAttribute(password: string): Attribute {
  // ub-challengePassword is 255 (RFC 2985 Appendix A).
  if (password.length === 0 || password.length > 255) {
    throw new CoreError('invalid_input', 'The challenge password must be 1 to 255 characters');
  }
  const value = /^[A-Za-z0-9 '()+,\-./:=?]+$/.test(password)
    ? new DirectoryString({ printableString: password })
    : new DirectoryString({ utf8String: password });
  return new Attribute({ type: CHALLENGE_PASSWORD, values: [AsnConvert.serialize(value)] });
}

/** Requested subjectAltName; critical when the subject is empty, as RFC 5280 §4.2.1.6 requires. */
function subjectAltName(
  dnsNames: string[],
  ipAddresses: string[],
  subjectIsEmpty: boolean,
): Extension | null {
  const names: GeneralName[] = [];
  for (const dnsName of dnsNames) {
    if (!/^[\x21-\x7e]+$/.test(dnsName)) {
      throw new CoreError(
        'invalid_input',
        `DNS name ${JSON.stringify(dnsName)} is not an ASCII (A-label) name`,
      );
    }
    names.push(new GeneralName({ dNSName: dnsName }));
  }
  for (const ip of ipAddresses) {
    const bytes = ipToBytes(ip);
    if (!bytes) throw new CoreError('invalid_input', `Invalid IP address ${JSON.stringify(ip)}`);
    names.push(new GeneralName({ iPAddress: ipForAsn1(bytes) }));
  }
  if (names.length === 0) return null;
  return new Extension({
    extnID: id_ce_subjectAltName,
    critical: subjectIsEmpty,
    extnValue: new OctetString(AsnConvert.serialize(new SubjectAlternativeName(names))),
  });
}

/** Attributes is a SET OF, which DER sorts by encoding (X.690 §11.6). */
function sortedByDer(attributes: Attribute[]): Attribute[] {
  return attributes
    .map((attribute) => ({ attribute, der: Buffer.from(AsnConvert.serialize(attribute)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((entry) => entry.attribute);
}
