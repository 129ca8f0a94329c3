/**
 * A SCEP client for tests (RFC 8894 §3.3): builds pkiMessages the way real clients do (self-signed
 * RSA signer, SCEP signed attributes, EnvelopedData to the RA) with any digest and cipher, and opens
 * CertRep replies. Built from the face's own DER writer; openssl checks the server side independently.
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { ContentInfo, SignedData } from '@peculiar/asn1-cms';
import { Certificate } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { parseDn } from '../../ca/pki/names.js';
import {
  ciphers,
  digestOidOf,
  type CipherName,
  type DigestName,
} from '../../protocols/scep/crypto/algorithms.js';
import {
  attributeValue,
  octetAttribute,
  printableAttribute,
  readOctetString,
  readString,
} from '../../protocols/scep/wire/attributes.js';
import { algorithm, contextConstructed, integer, nullValue, sequence, tlv, time } from '../../ca/pki/der.js';
import { openEnvelope, sealEnvelope } from '../../protocols/scep/wire/envelope.js';
import { scepOid } from '../../protocols/scep/wire/oids.js';
import { signedData } from '../../protocols/scep/wire/signed-data.js';

export interface ClientIdentity {
  privateKey: KeyObject;
  certificate: Certificate;
  certificateDer: Uint8Array;
}

/** A self-signed signer certificate like scepclient's (`O=scep-client, CN=SCEP SIGNER`), sha256WithRSA. */
export function selfSignedSigner(
  key: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('rsa', { modulusLength: 2048 }),
  options: { subject?: string; extensions?: Uint8Array; signatureDigest?: 'sha1' | 'sha256' } = {},
): ClientIdentity {
  const name = new Uint8Array(
    AsnConvert.serialize(parseDn(options.subject ?? 'CN=SCEP SIGNER, O=scep-client')),
  );
  const sigAlg =
    options.signatureDigest === 'sha1'
      ? algorithm('1.2.840.113549.1.1.5', nullValue())
      : algorithm('1.2.840.113549.1.1.11', nullValue());
  const now = Date.now();
  const tbs = sequence(
    contextConstructed(0, integer(2)),
    tlv(0x02, Buffer.concat([Buffer.from([0x01]), randomBytes(8)])),
    sigAlg,
    name,
    sequence(time(new Date(now - 3_600_000)), time(new Date(now + 86_400_000))),
    name,
    new Uint8Array(key.publicKey.export({ type: 'spki', format: 'der' })),
    ...(options.extensions ? [contextConstructed(3, options.extensions)] : []),
  );
  const signature = sign(options.signatureDigest ?? 'sha256', tbs, key.privateKey);
  const der = sequence(tbs, sigAlg, tlv(0x03, Buffer.concat([Buffer.from([0]), signature])));
  return { privateKey: key.privateKey, certificate: AsnConvert.parse(der, Certificate), certificateDer: der };
}

/** An identity from a certificate PEM/DER we issued and its key (for renewal). */
export function identityOf(certificateDer: Uint8Array, privateKey: KeyObject): ClientIdentity {
  return { privateKey, certificate: AsnConvert.parse(certificateDer, Certificate), certificateDer };
}

export interface MessageOptions {
  messageType: number;
  transactionID?: string;
  senderNonce?: Uint8Array;
  signer: ClientIdentity;
  /** The RA certificate to encrypt to. */
  recipient: Certificate;
  /** messageData: the CSR, IssuerAndSubject or IssuerAndSerialNumber (DER). */
  content: Uint8Array;
  digest?: DigestName;
  cipher?: CipherName;
}

export function pkiMessage(options: MessageOptions): {
  der: Uint8Array;
  transactionID: string;
  senderNonce: Uint8Array;
} {
  const cipher = ciphers.find((c) => c.name === (options.cipher ?? 'aes-256-cbc'));
  if (!cipher) throw new Error('unknown cipher');
  const transactionID = options.transactionID ?? randomBytes(16).toString('hex');
  const senderNonce = options.senderNonce ?? randomBytes(16);
  const envelope = sealEnvelope(options.content, options.recipient, cipher);
  const der = signedData({
    signer: options.signer,
    // 'md5' is not ours to send; it labels a SHA-256 signature as MD5 to test badAlg.
    digestOid:
      (options.digest as string) === 'md5' ? '1.2.840.113549.2.5' : digestOidOf[options.digest ?? 'sha256'],
    content: envelope,
    attributes: [
      printableAttribute(scepOid.messageType, String(options.messageType)),
      printableAttribute(scepOid.transactionID, transactionID),
      octetAttribute(scepOid.senderNonce, senderNonce),
    ],
    now: new Date(),
  });
  return { der, transactionID, senderNonce };
}

export interface ParsedCertRep {
  messageType: string;
  pkiStatus: string;
  failInfo: string | null;
  failInfoText: string | null;
  transactionID: string;
  senderNonce: Uint8Array;
  recipientNonce: Uint8Array;
  digestOid: string;
  signerCertificates: Certificate[];
  /** SUCCESS: the certificates of the degenerate SignedData inside the envelope, in order. */
  certificates: Certificate[];
  crls: number;
  cipherName: string | null;
}

/** Reads a CertRep, decrypting its envelope with the client's key. */
export function readCertRep(der: Uint8Array, client: ClientIdentity): ParsedCertRep {
  const info = AsnConvert.parse(der, ContentInfo);
  const signed = AsnConvert.parse(info.content, SignedData);
  const signerInfo = signed.signerInfos[0];
  if (!signerInfo) throw new Error('no signerInfo');
  const attrs = signerInfo.signedAttrs ?? [];
  const str = (oid: string) => {
    const v = attributeValue(attrs, oid);
    return v ? readString(v) : null;
  };
  const oct = (oid: string) => {
    const v = attributeValue(attrs, oid);
    return v ? readOctetString(v) : new Uint8Array();
  };
  let certificates: Certificate[] = [];
  let crls = 0;
  let cipherName: string | null = null;
  const content = signed.encapContentInfo.eContent?.single?.buffer;
  if (content && content.byteLength > 0) {
    const opened = openEnvelope(new Uint8Array(content), client, () => true);
    cipherName = opened.cipher.name;
    const innerDer = AsnConvert.parse(opened.content, ContentInfo).content;
    crls = countCrls(innerDer);
    if (crls === 0) {
      const inner = AsnConvert.parse(innerDer, SignedData);
      certificates = (inner.certificates ?? [])
        .map((c) => c.certificate)
        .filter((c): c is Certificate => !!c);
    }
  }
  return {
    messageType: str(scepOid.messageType) ?? '',
    pkiStatus: str(scepOid.pkiStatus) ?? '',
    failInfo: str(scepOid.failInfo),
    failInfoText: str(scepOid.failInfoText),
    transactionID: str(scepOid.transactionID) ?? '',
    senderNonce: oct(scepOid.senderNonce),
    recipientNonce: oct(scepOid.recipientNonce),
    digestOid: signerInfo.digestAlgorithm.algorithm,
    signerCertificates: (signed.certificates ?? [])
      .map((c) => c.certificate)
      .filter((c): c is Certificate => !!c),
    certificates,
    crls,
    cipherName,
  };
}

/** The number of CRLs in a SignedData ([1] IMPLICIT crls); the schema library only knows `other`. */
function countCrls(signedDataDer: ArrayBuffer): number {
  const parsed = asn1js.fromBER(signedDataDer);
  const items = (parsed.result as asn1js.Sequence).valueBlock.value;
  const crls = items.find((b) => b.idBlock.tagClass === 3 && b.idBlock.tagNumber === 1) as
    asn1js.Constructed | undefined;
  return crls ? crls.valueBlock.value.length : 0;
}

/** The value, or a thrown error naming what was missing (tests avoid non-null assertions). */
export function must<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected a ${what}`);
  return value;
}
