/**
 * Walking received DER without building an object model (X.690 §8.1): the elements of a constructed
 * value as offsets into the original octets, so that signatures, digests and certificate comparisons
 * use the bytes exactly as the client sent them and nothing is parsed twice.
 */
import { readTlv } from './der-read.js';

/** One element of `der`: its tag, and the offsets of the whole element and of its contents. */
export interface Element {
  tag: number;
  start: number;
  contentStart: number;
  end: number;
}

/** The element at `offset`; throws Error when truncated. */
export function elementAt(der: Uint8Array, offset = 0): Element {
  const tlv = readTlv(der, offset);
  return { tag: tlv.tag, start: offset, contentStart: tlv.contentStart, end: tlv.end };
}

/** The elements inside `parent` (which must be constructed); throws Error when one overruns it. */
export function childrenOf(der: Uint8Array, parent: Element): Element[] {
  if ((parent.tag & 0x20) === 0) throw new Error(`tag 0x${parent.tag.toString(16)} is not constructed`);
  const out: Element[] = [];
  for (let at = parent.contentStart; at < parent.end;) {
    const child = elementAt(der, at);
    if (child.end > parent.end) throw new Error('element overruns its parent');
    out.push(child);
    at = child.end;
  }
  return out;
}

/** `element` when it has tag `tag`, else an Error naming `what`. */
export function expectTag(element: Element | undefined, tag: number, what: string): Element {
  if (!element || element.tag !== tag)
    throw new Error(`${what} is missing or not tagged 0x${tag.toString(16)}`);
  return element;
}

/** The octets of the whole element (tag, length and contents), without copying. */
export const bytesOf = (der: Uint8Array, element: Element): Uint8Array =>
  der.subarray(element.start, element.end);

/** The content octets of the element, without copying. */
export const contentOf = (der: Uint8Array, element: Element): Uint8Array =>
  der.subarray(element.contentStart, element.end);

/**
 * The parts of an X.509 Certificate (RFC 5280 §4.1) that identify it and its key, as original
 * octets: serialNumber contents, issuer and subject Names and subjectPublicKeyInfo.
 */
export interface CertificateParts {
  der: Uint8Array;
  serialNumber: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  subjectPublicKeyInfo: Uint8Array;
}

export function certificateParts(der: Uint8Array): CertificateParts {
  const root = expectTag(elementAt(der), 0x30, 'Certificate');
  const tbs = expectTag(childrenOf(der, root)[0], 0x30, 'tbsCertificate');
  const fields = childrenOf(der, tbs);
  // version [0] EXPLICIT is optional (v1 certificates).
  const at = fields[0]?.tag === 0xa0 ? 1 : 0;
  const serial = expectTag(fields[at], 0x02, 'serialNumber');
  const issuer = expectTag(fields[at + 2], 0x30, 'issuer');
  const spki = expectTag(fields[at + 5], 0x30, 'subjectPublicKeyInfo');
  return {
    der: bytesOf(der, root),
    serialNumber: contentOf(der, serial),
    issuer: bytesOf(der, issuer),
    // Between validity and the key, so present whenever the key is.
    subject: bytesOf(der, fields[at + 4] as Element),
    subjectPublicKeyInfo: bytesOf(der, spki),
  };
}

/** An IssuerAndSerialNumber (RFC 5652 §10.2.4): the issuer Name DER and the serialNumber contents. */
export function issuerAndSerialOf(
  der: Uint8Array,
  element: Element,
  what: string,
): { issuer: Uint8Array; serialNumber: Uint8Array } {
  const [issuer, serial] = childrenOf(der, element);
  return {
    issuer: bytesOf(der, expectTag(issuer, 0x30, `${what} issuer`)),
    serialNumber: contentOf(der, expectTag(serial, 0x02, `${what} serialNumber`)),
  };
}

/** The dotted form of an OBJECT IDENTIFIER element's contents (X.690 §8.19); throws Error when malformed. */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0 || content.length > 64) throw new Error('malformed OBJECT IDENTIFIER');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < content.length; i++) {
    const octet = content[i] as number;
    // A leading 0x80 is not minimal; arcs above 2^53 are nothing the gateway knows.
    if (value === 0 && octet === 0x80) throw new Error('malformed OBJECT IDENTIFIER');
    value = value * 128 + (octet & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER) throw new Error('OBJECT IDENTIFIER arc too large');
    if ((octet & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    } else if (i === content.length - 1) {
      throw new Error('truncated OBJECT IDENTIFIER');
    }
  }
  return arcs.join('.');
}

/** An AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID and the parameters element, if any, as DER. */
export function algorithmOf(
  der: Uint8Array,
  element: Element | undefined,
  what: string,
): {
  algorithm: string;
  parameters: Uint8Array | null;
} {
  const [oid, parameters] = childrenOf(der, expectTag(element, 0x30, what));
  return {
    algorithm: decodeOid(contentOf(der, expectTag(oid, 0x06, `${what} algorithm`))),
    parameters: parameters ? bytesOf(der, parameters) : null,
  };
}
