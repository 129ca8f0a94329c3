/**
 * The pkcsPKIEnvelope (RFC 8894 §3.2.2): a CMS EnvelopedData (RFC 5652 §6) with RSA key transport.
 *
 *   EnvelopedData ::= SEQUENCE {
 *     version CMSVersion, originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *     recipientInfos RecipientInfos, encryptedContentInfo EncryptedContentInfo,
 *     unprotectedAttrs [1] IMPLICIT UnprotectedAttributes OPTIONAL }
 *   KeyTransRecipientInfo ::= SEQUENCE {
 *     version CMSVersion, rid RecipientIdentifier,
 *     keyEncryptionAlgorithm KeyEncryptionAlgorithmIdentifier, encryptedKey EncryptedKey }
 *   EncryptedContentInfo ::= SEQUENCE {
 *     contentType ContentType, contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
 *     encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
 *
 * pkijs' EnvelopedData.decrypt goes through WebCrypto, which has neither RSAES-PKCS1-v1_5 nor DES:
 * the structures come from @peculiar/asn1-cms, the crypto from node:crypto (crypto/*).
 */
import { constants, privateDecrypt, publicEncrypt, randomBytes, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name, type Certificate } from '@peculiar/asn1-x509';
import { readSingle } from '../../../ca/pki/der-read.js';
import { publicKeyFromSpki } from '../../../ca/pki/public-key.js';
import * as asn1js from 'asn1js';
import { cipherByOid, rsaEncryption, type CipherSpec } from '../crypto/algorithms.js';
import { decryptContent, encryptContent } from '../crypto/content-cipher.js';
import { unwrapKey } from '../crypto/rsa-unwrap.js';
import { ScepFailure } from '../errors.js';
import {
  algorithm,
  contextPrimitive,
  integer,
  nullValue,
  objectIdentifier,
  octetString,
  sequence,
  setOf,
  contextConstructed,
  tlv,
} from '../../../ca/pki/der.js';
import {
  algorithmOf,
  bytesOf,
  childrenOf,
  contentOf,
  elementAt,
  expectTag,
  issuerAndSerialOf,
} from '../../../ca/pki/der-walk.js';
import { cmsOid } from './oids.js';

const envelopedDataOid = objectIdentifier(cmsOid.envelopedData);

/** RSAES-OAEP (RFC 8017 §A.2.1), accepted for key transport alongside PKCS#1 v1.5. */
const rsaesOaep = '1.2.840.113549.1.1.7';

export interface Recipient {
  certificate: Certificate;
  privateKey: KeyObject;
  /** The certificate's issuer Name DER when already known (the RA's is encoded once at start). */
  issuerDer?: Uint8Array;
}

export interface OpenedEnvelope {
  content: Buffer;
  cipher: CipherSpec;
}

function bad(message: string, cause?: unknown): ScepFailure {
  return new ScepFailure('badMessageCheck', message, { cause });
}

/**
 * Decrypts the envelope addressed to `recipient`. A cipher the profile does not accept is badAlg;
 * anything else (wrong recipient, bad padding, garbage) is badMessageCheck, with the same answer
 * whether the key unwrap or the content decryption failed, so that no padding oracle exists.
 */
export function openEnvelope(
  der: Uint8Array,
  recipient: Recipient,
  accept: (cipher: CipherSpec) => boolean,
): OpenedEnvelope {
  let enveloped: EnvelopeParts;
  try {
    enveloped = readEnvelope(der);
  } catch (cause) {
    throw bad('The pkcsPKIEnvelope is not a CMS EnvelopedData', cause);
  }
  const cipher = cipherByOid(enveloped.cipherOid);
  if (!cipher) {
    throw new ScepFailure('badAlg', `Unsupported content encryption ${enveloped.cipherOid}`);
  }
  if (!accept(cipher)) {
    throw new ScepFailure('badAlg', `${cipher.name} is not accepted on this profile (RFC 8894 §2.9)`);
  }
  const ktri = enveloped.recipients.find((k) => addressedTo(k, recipient));
  if (!ktri) throw bad('The pkcsPKIEnvelope is not encrypted to the RA certificate');
  const iv = ivOf(enveloped.cipherParameters, cipher);
  let key: Buffer;
  if (ktri.keyAlgorithm === rsaEncryption) {
    key = unwrapKey(recipient.privateKey, ktri.encryptedKey, cipher.keyLength);
  } else if (ktri.keyAlgorithm === rsaesOaep && !ktri.keyParameters) {
    // Default OAEP parameters only (SHA-1, MGF1-SHA-1): OAEP has no padding oracle to hide.
    key = unwrapOaep(recipient.privateKey, ktri.encryptedKey, cipher.keyLength);
  } else {
    throw new ScepFailure('badAlg', `Unsupported key transport ${ktri.keyAlgorithm}`);
  }
  try {
    return { content: decryptContent(cipher, key, iv, enveloped.encryptedContent), cipher };
  } catch (cause) {
    throw bad('The pkcsPKIEnvelope does not decrypt', cause);
  }
}

/** A KeyTransRecipientInfo (RFC 5652 §6.2.1) as received. */
interface KeyTransRecipient {
  rid: { issuer: Uint8Array; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };
  keyAlgorithm: string;
  keyParameters: Uint8Array | null;
  encryptedKey: Uint8Array;
}

interface EnvelopeParts {
  recipients: KeyTransRecipient[];
  cipherOid: string;
  cipherParameters: Uint8Array | null;
  encryptedContent: Uint8Array;
}

/**
 * ContentInfo → [0] EXPLICIT → EnvelopedData, walked over the received octets (no object model):
 * the key-transport recipients (other RecipientInfo choices are skipped) and the EncryptedContentInfo.
 * Throws Error when the structure is not an EnvelopedData.
 */
function readEnvelope(der: Uint8Array): EnvelopeParts {
  const [type, explicit] = childrenOf(der, expectTag(elementAt(der), 0x30, 'ContentInfo'));
  if (!type || !Buffer.from(bytesOf(der, type)).equals(envelopedDataOid)) {
    throw new Error('not an EnvelopedData');
  }
  const content = expectTag(childrenOf(der, expectTag(explicit, 0xa0, 'content'))[0], 0x30, 'EnvelopedData');
  const fields = childrenOf(der, content);
  expectTag(fields[0], 0x02, 'version');
  // originatorInfo [0] IMPLICIT is optional.
  const at = fields[1]?.tag === 0xa0 ? 2 : 1;
  const recipientInfos = expectTag(fields[at], 0x31, 'recipientInfos');
  const recipients = childrenOf(der, recipientInfos)
    .filter((ri) => ri.tag === 0x30)
    .map((ri): KeyTransRecipient => {
      const [version, rid, keyAlgorithm, encryptedKey] = childrenOf(der, ri);
      expectTag(version, 0x02, 'ktri version');
      if (!rid) throw new Error('ktri rid is missing');
      let recipientId: KeyTransRecipient['rid'];
      if (rid.tag === 0x30) {
        recipientId = issuerAndSerialOf(der, rid, 'rid');
      } else if (rid.tag === 0x80) {
        recipientId = { subjectKeyIdentifier: contentOf(der, rid) };
      } else {
        throw new Error('ktri rid is neither IssuerAndSerialNumber nor subjectKeyIdentifier');
      }
      const algorithm = algorithmOf(der, keyAlgorithm, 'keyEncryptionAlgorithm');
      return {
        rid: recipientId,
        keyAlgorithm: algorithm.algorithm,
        keyParameters: algorithm.parameters,
        encryptedKey: contentOf(der, expectTag(encryptedKey, 0x04, 'encryptedKey')),
      };
    });
  const [contentType, cipherAlgorithm, encrypted] = childrenOf(
    der,
    expectTag(fields[at + 1], 0x30, 'encryptedContentInfo'),
  );
  expectTag(contentType, 0x06, 'contentType');
  const cipher = algorithmOf(der, cipherAlgorithm, 'contentEncryptionAlgorithm');
  let encryptedContent: Uint8Array;
  if (encrypted?.tag === 0x80) {
    encryptedContent = contentOf(der, encrypted);
  } else if (encrypted?.tag === 0xa0) {
    // BER-style constructed [0]: the concatenated OCTET STRING segments (RFC 5652 §6.1).
    encryptedContent = Buffer.concat(
      childrenOf(der, encrypted).map((part) =>
        contentOf(der, expectTag(part, 0x04, 'encryptedContent segment')),
      ),
    );
  } else {
    throw new Error('the EnvelopedData has no encrypted content');
  }
  return {
    recipients,
    cipherOid: cipher.algorithm,
    cipherParameters: cipher.parameters,
    encryptedContent,
  };
}

function unwrapOaep(privateKey: KeyObject, encryptedKey: Uint8Array, keyLength: number): Buffer {
  try {
    const key = privateDecrypt(privateKey, encryptedKey);
    if (key.length !== keyLength) throw new Error('wrong key length');
    return key;
  } catch (cause) {
    throw bad('The pkcsPKIEnvelope does not decrypt', cause);
  }
}

function addressedTo(ktri: KeyTransRecipient, recipient: Recipient): boolean {
  const tbs = recipient.certificate.tbsCertificate;
  if ('issuer' in ktri.rid) {
    if (!Buffer.from(ktri.rid.serialNumber).equals(Buffer.from(tbs.serialNumber))) return false;
    const ours = recipient.issuerDer
      ? Buffer.from(recipient.issuerDer)
      : Buffer.from(AsnConvert.serialize(tbs.issuer));
    // Clients copy the issuer octets from the certificate; one that re-encoded them is compared
    // after the same re-encoding of its Name.
    return ours.equals(ktri.rid.issuer) || ours.equals(Buffer.from(reencodedName(ktri.rid.issuer)));
  }
  // A subjectKeyIdentifier rid: match against the certificate's SKI extension.
  const ski = ktri.rid.subjectKeyIdentifier;
  const ext = tbs.extensions?.find((e) => e.extnID === '2.5.29.14');
  if (!ext) return false;
  const value = asn1js.fromBER(ext.extnValue.buffer);
  return (
    value.result instanceof asn1js.OctetString &&
    Buffer.from(value.result.getValue()).equals(Buffer.from(ski))
  );
}

function reencodedName(der: Uint8Array): ArrayBuffer {
  try {
    return AsnConvert.serialize(AsnConvert.parse(der, Name));
  } catch {
    return new ArrayBuffer(0);
  }
}

/** The IV: the algorithm parameters as an OCTET STRING of the cipher's block size. */
function ivOf(parameters: Uint8Array | null, cipher: CipherSpec): Uint8Array {
  let iv: Uint8Array;
  try {
    if (!parameters) throw new Error('no parameters');
    iv = readSingle(parameters, [0x04]).content;
  } catch {
    throw bad('The content encryption algorithm has no IV');
  }
  if (iv.length !== cipher.ivLength) throw bad(`The ${cipher.name} IV is not ${cipher.ivLength} octets`);
  return iv;
}

/** Whom a reply envelope is for: the IssuerAndSerialNumber parts (as DER contents) and the RSA key. */
export interface EnvelopeRecipient {
  issuer: Uint8Array;
  serialNumber: Uint8Array;
  publicKey: KeyObject;
}

/**
 * Builds the reply envelope (RFC 8894 §3.3.2): `content` encrypted with `cipher` (the request's, so
 * that a client never gets an algorithm it did not use) to the request's signer certificate.
 */
export function sealEnvelope(
  content: Uint8Array,
  recipient: Certificate | EnvelopeRecipient,
  cipher: CipherSpec,
): Uint8Array {
  const to = 'tbsCertificate' in recipient ? recipientOf(recipient) : recipient;
  const key = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.ivLength);
  const encryptedKey = publicEncrypt({ key: to.publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const ktri = sequence(
    integer(0),
    sequence(to.issuer, tlv(0x02, to.serialNumber)),
    algorithm(rsaEncryption, nullValue()),
    octetString(encryptedKey),
  );
  const encryptedContentInfo = sequence(
    objectIdentifier(cmsOid.data),
    algorithm(cipher.oid, octetString(iv)),
    contextPrimitive(0, encryptContent(cipher, key, iv, content)),
  );
  const enveloped = sequence(integer(0), setOf([ktri]), encryptedContentInfo);
  return sequence(objectIdentifier(cmsOid.envelopedData), contextConstructed(0, enveloped));
}

function recipientOf(certificate: Certificate): EnvelopeRecipient {
  const tbs = certificate.tbsCertificate;
  return {
    issuer: new Uint8Array(AsnConvert.serialize(tbs.issuer)),
    serialNumber: new Uint8Array(tbs.serialNumber),
    publicKey: publicKeyFromSpki(new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo))),
  };
}

/** The certificate's serialNumber as a DER INTEGER, octets exactly as in the certificate. */
export function serialInteger(serial: ArrayBuffer): Uint8Array {
  return tlv(0x02, new Uint8Array(serial));
}
