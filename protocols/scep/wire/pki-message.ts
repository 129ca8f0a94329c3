/**
 * The request pkiMessage (RFC 8894 §3.2): a CMS SignedData (RFC 5652 §5) whose signed attributes carry
 * the SCEP transaction state and whose content is the pkcsPKIEnvelope.
 *
 *   SignedData ::= SEQUENCE {
 *     version CMSVersion, digestAlgorithms DigestAlgorithmIdentifiers,
 *     encapContentInfo EncapsulatedContentInfo,
 *     certificates [0] IMPLICIT CertificateSet OPTIONAL,
 *     crls [1] IMPLICIT RevocationInfoChoices OPTIONAL, signerInfos SignerInfos }
 *
 * Parsing is split in two: {@link parsePkiMessage} reads what is needed to answer at all (HTTP 400 when
 * it cannot), {@link verifyPkiMessage} checks algorithms and the signature (signed FAILURE when they fail).
 */
import { createHash, verify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { readTlv } from '../../../ca/pki/der-read.js';
import { publicKeyFromSpki } from '../../../ca/pki/public-key.js';
import { digestOids, signatureOids, type DigestName } from '../crypto/algorithms.js';
import { ScepFailure, ScepHttpError, httpError } from '../errors.js';
import { attributeValue, readOctetString, readString } from './attributes.js';
import { objectIdentifier } from '../../../ca/pki/der.js';
import {
  bytesOf,
  certificateParts,
  childrenOf,
  contentOf,
  elementAt,
  expectTag,
  type CertificateParts,
  type Element,
} from '../../../ca/pki/der-walk.js';
import { cmsOid, messageTypeNames, scepOid } from './oids.js';
import { readSignerInfo, type SignerInfoParts } from './signer-info.js';

/** Requests are a few kilobytes; anything larger is refused before parsing. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SignerCertificate {
  /** The certificate's DER exactly as received (decoded further only when it is one of ours). */
  der: Uint8Array;
  /** Its issuer Name and serialNumber contents as received (for IssuerAndSerialNumber, RFC 5652 §10.2.4). */
  issuer: Uint8Array;
  serialNumber: Uint8Array;
  publicKey: KeyObject;
  /** SHA-256 (hex) of its SubjectPublicKeyInfo as received: who may poll for what it asked. */
  keySha256: string;
}

export interface PkiMessage {
  messageType: number;
  transactionID: string;
  senderNonce: Uint8Array;
  signer: SignerCertificate;
  /** The digest the client used; replies mirror it (RFC 8894 §3.2: "same algorithms"). */
  digestOid: string;
  /** The pkcsPKIEnvelope (ContentInfo of EnvelopedData), null when the request carries no content. */
  envelope: Uint8Array | null;
  signerInfo: SignerInfoParts;
  /** The signedAttrs exactly as received, with their [0] IMPLICIT tag. */
  signedAttrsRaw: Uint8Array;
}

/** The DER of id-signedData, compared as octets instead of decoding the OID. */
const signedDataOid = objectIdentifier(cmsOid.signedData);

/** The outer structure located by walking the DER once (offsets into the received octets). */
interface Layout {
  certificates: Uint8Array[];
  eContent: Uint8Array | null;
  signerInfo: Uint8Array;
}

/**
 * ContentInfo → [0] → SignedData (RFC 5652 §5.1), walked once: the certificates, the eContent and the
 * single SignerInfo as the client's own octets. Only the SignerInfo and the signer's certificate are
 * then decoded into objects; nothing is re-encoded for a comparison, a digest or a signature.
 */
function layoutOf(der: Uint8Array): Layout {
  let root: Element;
  let info: Element[];
  try {
    root = expectTag(elementAt(der), 0x30, 'ContentInfo');
    info = childrenOf(der, root);
  } catch (cause) {
    throw httpError('The pkiMessage is malformed: the ContentInfo does not parse', cause);
  }
  const type = info[0];
  if (!type || type.tag !== 0x06 || !Buffer.from(bytesOf(der, type)).equals(signedDataOid)) {
    throw httpError('The pkiMessage is not a CMS SignedData');
  }
  try {
    const explicit = expectTag(info[1], 0xa0, 'content');
    const signedData = expectTag(childrenOf(der, explicit)[0], 0x30, 'SignedData');
    const fields = childrenOf(der, signedData);
    expectTag(fields[0], 0x02, 'version');
    expectTag(fields[1], 0x31, 'digestAlgorithms');
    const encap = childrenOf(der, expectTag(fields[2], 0x30, 'encapContentInfo'));
    const signerInfos = expectTag(fields.at(-1), 0x31, 'signerInfos');
    const certificateSet = fields.slice(3, -1).find((f) => f.tag === 0xa0);
    const certificates = certificateSet
      ? childrenOf(der, certificateSet)
          .filter((c) => c.tag === 0x30)
          .map((c) => bytesOf(der, c))
      : [];
    const infos = childrenOf(der, signerInfos);
    if (infos.length !== 1) throw httpError('The pkiMessage must have exactly one signerInfo');
    const signerInfo = expectTag(infos[0], 0x30, 'SignerInfo');
    const explicitContent = encap[1] && expectTag(encap[1], 0xa0, 'eContent');
    const eContent = explicitContent ? childrenOf(der, explicitContent)[0] : undefined;
    return {
      certificates,
      eContent: eContent ? bytesOf(der, eContent) : null,
      signerInfo: bytesOf(der, signerInfo),
    };
  } catch (cause) {
    if (cause instanceof ScepHttpError) throw cause;
    throw httpError('The pkiMessage is malformed: the SignedData does not parse', cause);
  }
}

/** Reads the outer SignedData far enough to answer; HTTP 400 (ScepHttpError) for anything less. */
export function parsePkiMessage(der: Uint8Array): PkiMessage {
  if (der.length === 0) throw httpError('The pkiMessage is empty');
  if (der.length > MAX_MESSAGE_BYTES)
    throw httpError(`The pkiMessage is larger than ${MAX_MESSAGE_BYTES} bytes`);
  try {
    if (readTlv(der).tag !== 0x30) throw new Error('not a SEQUENCE');
  } catch (cause) {
    throw httpError('The pkiMessage is not DER', cause);
  }
  const layout = layoutOf(der);
  let signerInfo: SignerInfoParts;
  try {
    signerInfo = readSignerInfo(layout.signerInfo);
  } catch (cause) {
    throw httpError('The pkiMessage is malformed: the SignerInfo does not parse', cause);
  }
  const attributes = signerInfo.signedAttrs;
  const signedAttrsRaw = signerInfo.signedAttrsRaw;
  if (!attributes || attributes.length === 0 || !signedAttrsRaw) {
    throw httpError('The pkiMessage has no signed attributes (RFC 8894 §3.2.1)');
  }
  let messageType: number;
  let transactionID: string;
  let senderNonce: Uint8Array;
  try {
    const type = attributeValue(attributes, scepOid.messageType);
    const txid = attributeValue(attributes, scepOid.transactionID);
    const nonce = attributeValue(attributes, scepOid.senderNonce);
    if (!type || !txid || !nonce) throw new Error('messageType, transactionID and senderNonce are required');
    messageType = Number(readString(type));
    transactionID = readString(txid);
    senderNonce = readOctetString(nonce);
  } catch (cause) {
    throw httpError(`The pkiMessage's SCEP attributes are malformed: ${(cause as Error).message}`, cause);
  }
  if (!messageTypeNames[messageType]) throw httpError(`Unknown SCEP messageType ${messageType}`);
  if (!transactionID || transactionID.length > 256) throw httpError('The transactionID is empty or too long');
  if (senderNonce.length === 0 || senderNonce.length > 64)
    throw httpError('The senderNonce is empty or too long');
  return {
    messageType,
    transactionID,
    senderNonce,
    signer: findSigner(layout, signerInfo),
    digestOid: signerInfo.digestAlgorithm,
    envelope: encapsulatedContent(layout.eContent),
    signerInfo,
    signedAttrsRaw,
  };
}

/** The certificate named by the signerInfo's sid; a lone certificate is taken when the sid matches none. */
function findSigner(layout: Layout, signerInfo: SignerInfoParts): SignerCertificate {
  const candidates: CertificateParts[] = [];
  for (const der of layout.certificates) {
    try {
      candidates.push(certificateParts(der));
    } catch {
      // Not a certificate we can read; it cannot be the signer.
    }
  }
  const sid = signerInfo.sid;
  // The sid copies the certificate's issuer and serial octets (RFC 5652 §5.3): compared as received.
  const match = (parts: CertificateParts): boolean =>
    sid !== null &&
    Buffer.from(sid.serialNumber).equals(Buffer.from(parts.serialNumber)) &&
    Buffer.from(sid.issuer).equals(Buffer.from(parts.issuer));
  const parts = candidates.find(match) ?? (layout.certificates.length === 1 ? candidates[0] : undefined);
  if (!parts) throw httpError('The pkiMessage does not carry its signer certificate');
  let publicKey: KeyObject;
  try {
    publicKey = publicKeyFromSpki(parts.subjectPublicKeyInfo);
  } catch (cause) {
    throw httpError('The signer certificate has an unusable public key', cause);
  }
  return {
    der: parts.der,
    issuer: parts.issuer,
    serialNumber: parts.serialNumber,
    publicKey,
    keySha256: createHash('sha256').update(parts.subjectPublicKeyInfo).digest('hex'),
  };
}

/** eContent as one OCTET STRING or, BER-style, a constructed one (RFC 5652 §5.2 allows both). */
function encapsulatedContent(content: Uint8Array | null): Uint8Array | null {
  if (!content) return null;
  if (content[0] === 0x04) return contentOf(content, elementAt(content));
  const ber = asn1js.fromBER(content);
  if (ber.offset === -1 || !(ber.result instanceof asn1js.OctetString)) {
    throw httpError('The pkiMessage content is not an OCTET STRING');
  }
  return new Uint8Array(ber.result.getValue());
}

/** The signingTime attribute (RFC 5652 §11.3; UTCTime or GeneralizedTime), null when absent or unreadable. */
export function signingTimeOf(message: PkiMessage): Date | null {
  try {
    const value = attributeValue(message.signerInfo.signedAttrs ?? [], cmsOid.signingTime);
    if (!value) return null;
    const parsed = asn1js.fromBER(value);
    const block = parsed.result;
    if (block instanceof asn1js.UTCTime || block instanceof asn1js.GeneralizedTime) return block.toDate();
    return null;
  } catch {
    return null;
  }
}

/** The digest the client used, or FAILURE badAlg (RFC 8894 §3.5.2 lists the ones offered). */
export function digestOf(message: PkiMessage): DigestName {
  const digest = digestOids[message.digestOid];
  if (!digest) throw new ScepFailure('badAlg', `Unsupported digest algorithm ${message.digestOid}`);
  return digest;
}

/**
 * Checks the messageDigest attribute against the content and the signature over the DER SET of the
 * signed attributes (RFC 5652 §5.4); FAILURE badAlg or badMessageCheck.
 */
export function verifyPkiMessage(message: PkiMessage): void {
  const digest = digestOf(message);
  const info = message.signerInfo;
  const algorithm = signatureOids[info.signatureAlgorithm];
  if (!algorithm) {
    throw new ScepFailure('badAlg', `Unsupported signature algorithm ${info.signatureAlgorithm}`);
  }
  let messageDigest: Uint8Array | undefined;
  try {
    const value = attributeValue(info.signedAttrs ?? [], cmsOid.messageDigest);
    messageDigest = value && readOctetString(value);
  } catch {
    messageDigest = undefined;
  }
  const actual = createHash(digest)
    .update(message.envelope ?? new Uint8Array())
    .digest();
  if (!messageDigest || !actual.equals(Buffer.from(messageDigest))) {
    throw new ScepFailure('badMessageCheck', 'The messageDigest attribute does not match the content');
  }
  // The signature covers the attributes with their SET OF tag, not the [0] IMPLICIT one (§5.4).
  const signedAttrs = Buffer.from(message.signedAttrsRaw);
  signedAttrs[0] = 0x31;
  const keyType = message.signer.publicKey.asymmetricKeyType;
  if ((algorithm.kind === 'rsa') !== (keyType === 'rsa')) {
    throw new ScepFailure('badAlg', 'The signature algorithm does not match the signer key');
  }
  let valid = false;
  try {
    valid = verify(algorithm.digest ?? digest, signedAttrs, message.signer.publicKey, info.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new ScepFailure('badMessageCheck', 'The pkiMessage signature does not verify');
}
