/**
 * A minimal DER writer (X.690 §8, §10) for what the gateway assembles itself (SCEP replies, the
 * local CA's certificates): the octets signed are exactly the octets sent, and elements that are
 * already encoded are wrapped rather than encoded a second time.
 */

export type Der = Uint8Array;

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** Tag, definite length, contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Der {
  let length = 0;
  for (const part of contents) length += part.length;
  const header = [tag, ...lengthOctets(length)];
  // One allocation and one copy of each part (replies nest a dozen levels deep).
  const out = Buffer.allocUnsafe(header.length + length);
  out.set(header, 0);
  let at = header.length;
  for (const part of contents) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export const sequence = (...items: Uint8Array[]): Der => tlv(0x30, ...items);

/** SET OF in DER order: elements sorted by their encodings (X.690 §11.6). */
export function setOf(items: Uint8Array[]): Der {
  const sorted = [...items].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return tlv(0x31, ...sorted);
}

export const octetString = (value: Uint8Array): Der => tlv(0x04, value);
/** BIT STRING of whole octets: no unused bits (§8.6.2). */
export const bitString = (octets: Uint8Array): Der => tlv(0x03, Uint8Array.of(0), octets);
export const printableString = (value: string): Der => tlv(0x13, Buffer.from(value, 'latin1'));
export const utf8String = (value: string): Der => tlv(0x0c, Buffer.from(value, 'utf8'));
export const nullValue = (): Der => Buffer.from([0x05, 0x00]);

/** INTEGER from a non-negative small number. */
export function integer(value: number): Der {
  const bytes: number[] = [];
  let n = value;
  do {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  } while (n > 0);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}

export function objectIdentifier(dotted: string): Der {
  // The same few OIDs are encoded for every reply; callers only concatenate the result.
  const cached = oidCache.get(dotted);
  if (cached) return cached;
  const encoded = encodeOid(dotted);
  if (oidCache.size < 256) oidCache.set(dotted, encoded);
  return encoded;
}

const oidCache = new Map<string, Der>();

function encodeOid(dotted: string): Der {
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  const out: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift(0x80 | (n & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

/** [n] EXPLICIT or a constructed [n] IMPLICIT wrapper. */
export const contextConstructed = (n: number, ...contents: Uint8Array[]): Der => tlv(0xa0 | n, ...contents);
/** A primitive [n] IMPLICIT value. */
export const contextPrimitive = (n: number, value: Uint8Array): Der => tlv(0x80 | n, value);

/** UTCTime for dates before 2050, GeneralizedTime after (RFC 5280 §4.1.2.5). */
export function time(date: Date): Der {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return date.getUTCFullYear() < 2050
    ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`, 'latin1'))
    : tlv(0x18, Buffer.from(`${iso}Z`, 'latin1'));
}

/** AlgorithmIdentifier with absent parameters, or the given encoded parameters. */
export function algorithm(oid: string, parameters?: Uint8Array): Der {
  return parameters ? sequence(objectIdentifier(oid), parameters) : sequence(objectIdentifier(oid));
}

/** The contents (after tag and length) of one DER element starting at `der[0]`. */
export function contentsOf(der: Uint8Array): Uint8Array {
  const first = der[1] ?? 0;
  if (first < 0x80) return der.subarray(2, 2 + first);
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[2 + i] ?? 0);
  return der.subarray(2 + count, 2 + count + length);
}
