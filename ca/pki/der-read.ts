/**
 * A minimal DER TLV reader (X.690 §8.1) for the few places where the schema library is too lenient
 * (it ignores trailing octets) or has no type for the value (ANY-typed attribute values).
 */

/** One tag-length-value element. */
export interface Tlv {
  /** The identifier octet; high-tag-number forms are rejected. */
  tag: number;
  /** Offset of the content octets. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads the element at `offset`. Throws Error on truncation or an indefinite length (not DER). */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  const tag = bytes[offset];
  const first = bytes[offset + 1];
  if (tag === undefined || first === undefined) {
    throw new Error('truncated DER element');
  }
  if ((tag & 0x1f) === 0x1f) {
    throw new Error('high-tag-number form is not supported');
  }
  let length = first;
  let contentStart = offset + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new Error('indefinite length is not DER');
    if (count > 4) throw new Error('DER length too large');
    length = 0;
    for (let i = 0; i < count; i += 1) {
      const octet = bytes[contentStart + i];
      if (octet === undefined) throw new Error('truncated DER length');
      length = length * 256 + octet;
    }
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > bytes.length) {
    throw new Error('truncated DER element');
  }
  return { tag, contentStart, end };
}

/** The content octets of a single element that must span all of `bytes`. */
export function readSingle(
  bytes: Uint8Array,
  expectedTags: readonly number[],
): { tag: number; content: Uint8Array } {
  const tlv = readTlv(bytes);
  if (tlv.end !== bytes.length) {
    throw new Error('trailing octets after the DER element');
  }
  if (!expectedTags.includes(tlv.tag)) {
    throw new Error(`unexpected DER tag 0x${tlv.tag.toString(16)}`);
  }
  return { tag: tlv.tag, content: bytes.subarray(tlv.contentStart, tlv.end) };
}
