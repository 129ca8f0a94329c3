/**
 * SignedData the server sends (RFC 5652 §5, RFC 8894 §3.3.2, §4.2.1.2, §4.7.1): the CertRep and the
 * GetNextCACert reply signed by the RA, and the degenerate "certs-only" SignedData (no signers) that
 * carries certificates and CRLs.
 *
 *   SignerInfo ::= SEQUENCE {
 *     version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *     signatureAlgorithm SignatureAlgorithmIdentifier, signature SignatureValue, … }
 */
import { createHash, sign, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
import { digestOids, rsaEncryption } from '../crypto/algorithms.js';
import { attribute, octetAttribute } from './attributes.js';
import {
  algorithm,
  contentsOf,
  contextConstructed,
  integer,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  time,
  tlv,
} from '../../../ca/pki/der.js';
import { serialInteger } from './envelope.js';
import { cmsOid } from './oids.js';

/** The RA as a signer: its certificate (DER and parsed) and private key. */
export interface RaSigner {
  certificateDer: Uint8Array;
  certificate: Certificate;
  privateKey: KeyObject;
  /** The signer's IssuerAndSerialNumber DER when already known (the RA's is encoded once at start). */
  issuerAndSerial?: Uint8Array;
}

export interface SignInput {
  signer: RaSigner;
  /** Digest algorithm OID, mirrored from the request. */
  digestOid: string;
  /** eContent octets (id-data); an empty OCTET STRING when null, as micromdm/scep sends. */
  content: Uint8Array | null;
  /** Extra signed attributes (each a DER Attribute); contentType, signingTime and messageDigest are added. */
  attributes: Uint8Array[];
  /** Certificates to carry besides the signer's. */
  certificates?: Uint8Array[];
  now: Date;
}

/** A SignedData ContentInfo signed by the RA with a plain rsaEncryption signature algorithm identifier. */
export function signedData(input: SignInput): Uint8Array {
  const digest = digestOids[input.digestOid] ?? 'sha256';
  const content = input.content ?? new Uint8Array();
  const signedAttrs = setOf([
    attribute(cmsOid.contentType, objectIdentifier(cmsOid.data)),
    attribute(cmsOid.signingTime, time(input.now)),
    octetAttribute(cmsOid.messageDigest, createHash(digest).update(content).digest()),
    ...input.attributes,
  ]);
  const signature = sign(digest, signedAttrs, input.signer.privateKey);
  const tbs = input.signer.certificate.tbsCertificate;
  const signerInfo = sequence(
    integer(1),
    input.signer.issuerAndSerial ??
      sequence(new Uint8Array(AsnConvert.serialize(tbs.issuer)), serialInteger(tbs.serialNumber)),
    algorithm(input.digestOid),
    // [0] IMPLICIT: the same contents as the signed SET, retagged (RFC 5652 §5.4).
    tlv(0xa0, contentsOf(signedAttrs)),
    algorithm(rsaEncryption, nullValue()),
    octetString(signature),
  );
  const certificates = [input.signer.certificateDer, ...(input.certificates ?? [])];
  const body = sequence(
    integer(1),
    setOf([algorithm(input.digestOid)]),
    sequence(objectIdentifier(cmsOid.data), contextConstructed(0, octetString(content))),
    // Order kept as given (not DER-sorted): clients read the first certificate as theirs.
    tlv(0xa0, ...certificates),
    setOf([signerInfo]),
  );
  return sequence(objectIdentifier(cmsOid.signedData), contextConstructed(0, body));
}

/**
 * A degenerate certs-only SignedData (RFC 8894 §3.4): no content, no signers. Certificates in the
 * order given, the issued certificate first; CRLs as CertificateList DER.
 */
export function degenerate(certificates: Uint8Array[], crls: Uint8Array[] = []): Uint8Array {
  const body = sequence(
    integer(1),
    tlv(0x31),
    sequence(objectIdentifier(cmsOid.data)),
    ...(certificates.length > 0 ? [tlv(0xa0, ...certificates)] : []),
    ...(crls.length > 0 ? [tlv(0xa1, ...crls)] : []),
    tlv(0x31),
  );
  return sequence(objectIdentifier(cmsOid.signedData), contextConstructed(0, body));
}
