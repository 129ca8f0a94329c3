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
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ContentInfo, SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { readTlv } from '../../../src/core/csr/der.js';
import { digestOids, signatureOids, type DigestName } from '../crypto/algorithms.js';
import { ScepFailure, httpError } from '../errors.js';
import { attributeValue, readOctetString, readString } from './attributes.js';
import { cmsOid, messageTypeNames, scepOid } from './oids.js';

/** Requests are a few kilobytes; anything larger is refused before parsing. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

export interface SignerCertificate {
  certificate: Certificate;
  /** Re-encoded DER of the certificate (the schema parser does not keep the original octets). */
  der: Uint8Array;
  publicKey: KeyObject;
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
  signerInfo: SignerInfo;
  /** The signedAttrs exactly as received, with their [0] IMPLICIT tag. */
  signedAttrsRaw: Uint8Array;
}

function parse<T>(der: Uint8Array | ArrayBuffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(der, type);
  } catch (cause) {
    throw httpError(`The pkiMessage is malformed: ${what} does not parse`, cause);
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
  const info = parse(der, ContentInfo, 'the ContentInfo');
  if (info.contentType !== cmsOid.signedData) throw httpError('The pkiMessage is not a CMS SignedData');
  const signed = parse(info.content, SignedData, 'the SignedData');
  const [signerInfo, ...others] = signed.signerInfos;
  if (!signerInfo || others.length > 0) throw httpError('The pkiMessage must have exactly one signerInfo');
  const attributes = signerInfo.signedAttrs;
  const signedAttrsRaw = rawSignedAttributes(der);
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
    signer: findSigner(signed, signerInfo),
    digestOid: signerInfo.digestAlgorithm.algorithm,
    envelope: encapsulatedContent(signed),
    signerInfo,
    signedAttrsRaw,
  };
}

/**
 * The octets of the first signerInfo's signedAttrs as received: the signature covers exactly them
 * (re-encoding could differ from a client's encoding). Found by walking the DER with readTlv:
 * ContentInfo → [0] → SignedData → last element (signerInfos) → first SignerInfo → the [0] element.
 */
function rawSignedAttributes(der: Uint8Array): Uint8Array | null {
  const children = (
    start: number,
    end: number,
  ): { tag: number; start: number; contentStart: number; end: number }[] => {
    const out = [];
    for (let at = start; at < end;) {
      const tlv = readTlv(der, at);
      if (tlv.end > end) throw new Error('element overruns its parent');
      out.push({ tag: tlv.tag, start: at, contentStart: tlv.contentStart, end: tlv.end });
      at = tlv.end;
    }
    return out;
  };
  try {
    const root = readTlv(der);
    const explicit = children(root.contentStart, root.end)[1];
    const signedData = explicit && children(explicit.contentStart, explicit.end)[0];
    const signerInfos = signedData && children(signedData.contentStart, signedData.end).at(-1);
    const signerInfo = signerInfos && children(signerInfos.contentStart, signerInfos.end)[0];
    const attrs = signerInfo && children(signerInfo.contentStart, signerInfo.end).find((c) => c.tag === 0xa0);
    return attrs ? der.subarray(attrs.start, attrs.end) : null;
  } catch {
    return null;
  }
}

/** The certificate named by the signerInfo's sid; a lone certificate is taken when the sid matches none. */
function findSigner(signed: SignedData, signerInfo: SignerInfo): SignerCertificate {
  const certificates = (signed.certificates ?? [])
    .map((choice) => choice.certificate)
    .filter((c): c is Certificate => c !== undefined);
  const sid = signerInfo.sid;
  const matches = certificates.filter((cert) => {
    const tbs = cert.tbsCertificate;
    if (sid.issuerAndSerialNumber) {
      return (
        Buffer.from(sid.issuerAndSerialNumber.serialNumber).equals(Buffer.from(tbs.serialNumber)) &&
        Buffer.from(AsnConvert.serialize(sid.issuerAndSerialNumber.issuer)).equals(
          Buffer.from(AsnConvert.serialize(tbs.issuer)),
        )
      );
    }
    return false;
  });
  const certificate = matches[0] ?? (certificates.length === 1 ? certificates[0] : undefined);
  if (!certificate) throw httpError('The pkiMessage does not carry its signer certificate');
  const der = new Uint8Array(AsnConvert.serialize(certificate));
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.subjectPublicKeyInfo)),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw httpError('The signer certificate has an unusable public key', cause);
  }
  return { certificate, der, publicKey };
}

/** eContent as one OCTET STRING or, BER-style, a constructed one (RFC 5652 §5.2 allows both). */
function encapsulatedContent(signed: SignedData): Uint8Array | null {
  const content = signed.encapContentInfo.eContent;
  if (!content) return null;
  if (content.single) return new Uint8Array(content.single.buffer);
  if (!content.any) return null;
  const ber = asn1js.fromBER(content.any);
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
  const algorithm = signatureOids[info.signatureAlgorithm.algorithm];
  if (!algorithm) {
    throw new ScepFailure('badAlg', `Unsupported signature algorithm ${info.signatureAlgorithm.algorithm}`);
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
    valid = verify(
      algorithm.digest ?? digest,
      signedAttrs,
      message.signer.publicKey,
      Buffer.from(info.signature.buffer),
    );
  } catch {
    valid = false;
  }
  if (!valid) throw new ScepFailure('badMessageCheck', 'The pkiMessage signature does not verify');
}
