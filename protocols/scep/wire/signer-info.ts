/**
 * The SignerInfo of a request (RFC 5652 §5.3), read from the client's octets without an object model:
 *
 *   SignerInfo ::= SEQUENCE {
 *     version CMSVersion, sid SignerIdentifier, digestAlgorithm DigestAlgorithmIdentifier,
 *     signedAttrs [0] IMPLICIT SignedAttributes OPTIONAL,
 *     signatureAlgorithm SignatureAlgorithmIdentifier, signature SignatureValue,
 *     unsignedAttrs [1] IMPLICIT UnsignedAttributes OPTIONAL }
 *   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
 */
import {
  algorithmOf,
  bytesOf,
  childrenOf,
  contentOf,
  decodeOid,
  elementAt,
  expectTag,
  issuerAndSerialOf,
} from '../../../ca/pki/der-walk.js';

export interface RawAttribute {
  attrType: string;
  /** Each value's DER. */
  attrValues: Uint8Array[];
}

export interface SignerInfoParts {
  /** IssuerAndSerialNumber sid: the issuer Name DER and the serialNumber contents; null for a [0] SKI sid. */
  sid: { issuer: Uint8Array; serialNumber: Uint8Array } | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  signature: Uint8Array;
  /** Null when absent. */
  signedAttrs: RawAttribute[] | null;
  /** The signedAttrs element exactly as received, with its [0] IMPLICIT tag. */
  signedAttrsRaw: Uint8Array | null;
}

/** Throws Error when `der` is not a SignerInfo. */
export function readSignerInfo(der: Uint8Array): SignerInfoParts {
  const fields = childrenOf(der, expectTag(elementAt(der), 0x30, 'SignerInfo'));
  expectTag(fields[0], 0x02, 'version');
  const sidElement = fields[1];
  if (!sidElement || (sidElement.tag !== 0x30 && sidElement.tag !== 0x80)) throw new Error('sid is missing');
  let sid: SignerInfoParts['sid'] = null;
  if (sidElement.tag === 0x30) sid = issuerAndSerialOf(der, sidElement, 'sid');
  const digest = algorithmOf(der, fields[2], 'digestAlgorithm');
  let at = 3;
  let signedAttrs: RawAttribute[] | null = null;
  let signedAttrsRaw: Uint8Array | null = null;
  const attrs = fields[at];
  if (attrs?.tag === 0xa0) {
    signedAttrsRaw = bytesOf(der, attrs);
    signedAttrs = childrenOf(der, attrs).map((attribute) => {
      const [type, values] = childrenOf(der, expectTag(attribute, 0x30, 'Attribute'));
      return {
        attrType: decodeOid(contentOf(der, expectTag(type, 0x06, 'attrType'))),
        attrValues: childrenOf(der, expectTag(values, 0x31, 'attrValues')).map((v) => bytesOf(der, v)),
      };
    });
    at++;
  }
  const signatureAlgorithm = algorithmOf(der, fields[at], 'signatureAlgorithm');
  const signature = contentOf(der, expectTag(fields[at + 1], 0x04, 'signature'));
  const rest = fields.slice(at + 2);
  if (rest.length > 1 || (rest[0] && rest[0].tag !== 0xa1)) throw new Error('unexpected SignerInfo fields');
  return {
    sid,
    digestAlgorithm: digest.algorithm,
    signatureAlgorithm: signatureAlgorithm.algorithm,
    signature,
    signedAttrs,
    signedAttrsRaw,
  };
}
