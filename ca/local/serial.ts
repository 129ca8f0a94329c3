/**
 * Certificate serial numbers (RFC 5280 §4.1.2.2): positive, unique per CA, at most 20 octets. We draw
 * 16 octets from the CSPRNG so that serials are unpredictable (≥ 64 bits of entropy, the CA/Browser
 * Forum rule that came out of the MD5 collision attacks) and collisions are negligible without a
 * central counter shared by all gateway instances.
 */
import { randomBytes } from 'node:crypto';

/** A serial number as the CA writes it and as IssuedCertificate reports it. */
export interface SerialNumber {
  /** The DER INTEGER content octets. */
  bytes: Uint8Array;
  /** The same octets as lower-case hex. */
  hex: string;
}

const SERIAL_OCTETS = 16;

/**
 * A fresh random serial. The top bit of the first octet is cleared so that the INTEGER is positive
 * without a 0x00 pad, and a first octet of zero is redrawn because DER (X.690 §8.3.2) forbids a
 * leading zero octet before a clear top bit: the result is always exactly 16 minimal content octets
 * (≈ 127 bits of entropy) and never zero.
 */
export function generateSerialNumber(): SerialNumber {
  for (;;) {
    const bytes = new Uint8Array(randomBytes(SERIAL_OCTETS));
    bytes[0] = (bytes[0] ?? 0) & 0x7f;
    if (bytes[0] !== 0) {
      return { bytes, hex: Buffer.from(bytes).toString('hex') };
    }
  }
}

/**
 * Normalizes a serial given as hex (any case, optional colons, odd length) to minimal DER INTEGER
 * content of a positive number, so `revoke()` accepts what other tools print. Throws on non-hex.
 */
export function serialFromHex(text: string): SerialNumber {
  let hex = text.replace(/:/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) {
    throw new Error(`invalid serial number: ${JSON.stringify(text)}`);
  }
  if (hex.length % 2 === 1) {
    hex = `0${hex}`;
  }
  // Strip redundant leading zero octets, keeping one when the next octet has its top bit set
  // (otherwise the INTEGER would read as negative).
  while (hex.length > 2 && hex.startsWith('00') && parseInt(hex.slice(2, 3), 16) < 8) {
    hex = hex.slice(2);
  }
  if (parseInt(hex.slice(0, 1), 16) >= 8) {
    hex = `00${hex}`;
  }
  if (hex.length > 40) {
    throw new Error('invalid serial number: longer than 20 octets (RFC 5280 §4.1.2.2)');
  }
  return { bytes: new Uint8Array(Buffer.from(hex, 'hex')), hex };
}
