/**
 * SCEP's signed attributes (RFC 8894 §3.2.1) read from and written to CMS Attributes:
 *
 *   Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
 *   messageType, pkiStatus, failInfo, transactionID: PrintableString
 *   senderNonce, recipientNonce: OCTET STRING (16 octets, RFC 8894 §3.2.1.5)
 *   failInfoText: UTF8String
 */
import { readSingle } from '../../../ca/pki/der-read.js';
import {
  objectIdentifier,
  octetString,
  printableString,
  sequence,
  setOf,
  utf8String,
} from '../../../ca/pki/der.js';

/** The single value of attribute `oid`, or undefined when absent; throws when repeated or multi-valued. */
export function attributeValue(
  attributes: readonly { attrType: string; attrValues: readonly (ArrayBuffer | Uint8Array)[] }[],
  oid: string,
): Uint8Array | undefined {
  const found = attributes.filter((a) => a.attrType === oid);
  if (found.length === 0) return undefined;
  const [attribute] = found;
  if (found.length > 1 || !attribute || attribute.attrValues.length !== 1) {
    throw new Error(`attribute ${oid} is repeated or does not have exactly one value`);
  }
  const value = attribute.attrValues[0] as ArrayBuffer | Uint8Array;
  return value instanceof Uint8Array ? value : new Uint8Array(value);
}

/**
 * A string attribute value. RFC 8894 says PrintableString; devices also send UTF8String and
 * IA5String (tags 0x13, 0x0c, 0x16), which are accepted.
 */
export function readString(value: Uint8Array): string {
  const { tag, content } = readSingle(value, [0x13, 0x0c, 0x16]);
  return Buffer.from(content).toString(tag === 0x0c ? 'utf8' : 'latin1');
}

export function readOctetString(value: Uint8Array): Uint8Array {
  return readSingle(value, [0x04]).content;
}

export function attribute(oid: string, value: Uint8Array): Uint8Array {
  return sequence(objectIdentifier(oid), setOf([value]));
}

export const printableAttribute = (oid: string, value: string) => attribute(oid, printableString(value));
export const octetAttribute = (oid: string, value: Uint8Array) => attribute(oid, octetString(value));
export const utf8Attribute = (oid: string, value: string) => attribute(oid, utf8String(value));
