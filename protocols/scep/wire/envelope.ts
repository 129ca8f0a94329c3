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
import {
  constants,
  createPublicKey,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { ContentInfo, EnvelopedData, type KeyTransRecipientInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { Certificate } from '@peculiar/asn1-x509';
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
} from './der.js';
import { cmsOid } from './oids.js';

/** RSAES-OAEP (RFC 8017 §A.2.1), accepted for key transport alongside PKCS#1 v1.5. */
const rsaesOaep = '1.2.840.113549.1.1.7';

export interface Recipient {
  certificate: Certificate;
  privateKey: KeyObject;
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
  let enveloped: EnvelopedData;
  try {
    const info = AsnConvert.parse(der, ContentInfo);
    if (info.contentType !== cmsOid.envelopedData) throw new Error('not an EnvelopedData');
    enveloped = AsnConvert.parse(info.content, EnvelopedData);
  } catch (cause) {
    throw bad('The pkcsPKIEnvelope is not a CMS EnvelopedData', cause);
  }
  const eci = enveloped.encryptedContentInfo;
  const cipher = cipherByOid(eci.contentEncryptionAlgorithm.algorithm);
  if (!cipher) {
    throw new ScepFailure(
      'badAlg',
      `Unsupported content encryption ${eci.contentEncryptionAlgorithm.algorithm}`,
    );
  }
  if (!accept(cipher)) {
    throw new ScepFailure('badAlg', `${cipher.name} is not accepted on this profile (RFC 8894 §2.9)`);
  }
  const ktri = enveloped.recipientInfos
    .map((ri) => ri.ktri)
    .find((k): k is KeyTransRecipientInfo => k !== undefined && addressedTo(k, recipient.certificate));
  if (!ktri) throw bad('The pkcsPKIEnvelope is not encrypted to the RA certificate');
  const iv = ivOf(eci.contentEncryptionAlgorithm.parameters, cipher);
  const encrypted = encryptedContentOf(eci.encryptedContent);
  const keyAlgorithm = ktri.keyEncryptionAlgorithm.algorithm;
  let key: Buffer;
  if (keyAlgorithm === rsaEncryption) {
    key = unwrapKey(recipient.privateKey, new Uint8Array(ktri.encryptedKey.buffer), cipher.keyLength);
  } else if (keyAlgorithm === rsaesOaep && !ktri.keyEncryptionAlgorithm.parameters) {
    // Default OAEP parameters only (SHA-1, MGF1-SHA-1): OAEP has no padding oracle to hide.
    key = unwrapOaep(recipient.privateKey, new Uint8Array(ktri.encryptedKey.buffer), cipher.keyLength);
  } else {
    throw new ScepFailure('badAlg', `Unsupported key transport ${keyAlgorithm}`);
  }
  try {
    return { content: decryptContent(cipher, key, iv, encrypted), cipher };
  } catch (cause) {
    throw bad('The pkcsPKIEnvelope does not decrypt', cause);
  }
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

function addressedTo(ktri: KeyTransRecipientInfo, certificate: Certificate): boolean {
  const tbs = certificate.tbsCertificate;
  const byIssuer = ktri.rid.issuerAndSerialNumber;
  if (byIssuer) {
    return (
      Buffer.from(byIssuer.serialNumber).equals(Buffer.from(tbs.serialNumber)) &&
      Buffer.from(AsnConvert.serialize(byIssuer.issuer)).equals(Buffer.from(AsnConvert.serialize(tbs.issuer)))
    );
  }
  // A subjectKeyIdentifier rid: match against the certificate's SKI extension.
  const ski = ktri.rid.subjectKeyIdentifier;
  const ext = tbs.extensions?.find((e) => e.extnID === '2.5.29.14');
  if (!ski || !ext) return false;
  const value = asn1js.fromBER(ext.extnValue.buffer);
  return (
    value.result instanceof asn1js.OctetString &&
    Buffer.from(value.result.getValue()).equals(Buffer.from(ski.buffer))
  );
}

function ivOf(parameters: ArrayBuffer | null | undefined, cipher: CipherSpec): Uint8Array {
  const parsed = parameters ? asn1js.fromBER(parameters) : null;
  if (!parsed || parsed.offset === -1 || !(parsed.result instanceof asn1js.OctetString)) {
    throw bad('The content encryption algorithm has no IV');
  }
  const iv = new Uint8Array(parsed.result.getValue());
  if (iv.length !== cipher.ivLength) throw bad(`The ${cipher.name} IV is not ${cipher.ivLength} octets`);
  return iv;
}

function encryptedContentOf(content: EnvelopedData['encryptedContentInfo']['encryptedContent']): Uint8Array {
  if (content?.value) return new Uint8Array(content.value.buffer);
  if (content?.constructedValue) {
    return Buffer.concat(content.constructedValue.map((part) => new Uint8Array(part.buffer)));
  }
  throw bad('The pkcsPKIEnvelope has no encrypted content');
}

/**
 * Builds the reply envelope (RFC 8894 §3.3.2): `content` encrypted with `cipher` (the request's, so
 * that a client never gets an algorithm it did not use) to the request's signer certificate.
 */
export function sealEnvelope(content: Uint8Array, recipient: Certificate, cipher: CipherSpec): Uint8Array {
  const key = randomBytes(cipher.keyLength);
  const iv = randomBytes(cipher.ivLength);
  const recipientKey = createPublicKey({
    key: Buffer.from(AsnConvert.serialize(recipient.tbsCertificate.subjectPublicKeyInfo)),
    format: 'der',
    type: 'spki',
  });
  const encryptedKey = publicEncrypt({ key: recipientKey, padding: constants.RSA_PKCS1_PADDING }, key);
  const tbs = recipient.tbsCertificate;
  const ktri = sequence(
    integer(0),
    sequence(new Uint8Array(AsnConvert.serialize(tbs.issuer)), serialInteger(tbs.serialNumber)),
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

/** The certificate's serialNumber as a DER INTEGER, octets exactly as in the certificate. */
export function serialInteger(serial: ArrayBuffer): Uint8Array {
  return tlv(0x02, new Uint8Array(serial));
}
