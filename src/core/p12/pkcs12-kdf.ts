import { createHash } from 'node:crypto';

/** The password as PKCS#12 wants it for its own KDF: BMPString (UTF-16BE) with a two-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  const out = Buffer.alloc(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) out.writeUInt16BE(password.charCodeAt(i), i * 2);
  return out;
}

function fill(source: Buffer, v: number): Buffer {
  if (source.length === 0) return Buffer.alloc(0);
  const length = v * Math.ceil(source.length / v);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length] ?? 0;
  return out;
}

/**
 * RFC 7292 Appendix B.2: derives `length` bytes of key (id 1), IV (id 2) or MAC key (id 3) material
 * from a BMP password and a salt with `hash` (SHA-1 for the legacy PBEs, SHA-256 for a modern MAC).
 */
export function pkcs12Kdf(
  hash: 'sha1' | 'sha256',
  password: Buffer,
  salt: Buffer,
  id: 1 | 2 | 3,
  iterations: number,
  length: number,
): Buffer {
  const u = hash === 'sha1' ? 20 : 32;
  const v = 64;
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt, v), fill(password, v)]);
  const blocks: Buffer[] = [];
  for (let produced = 0; produced < length; produced += u) {
    let a = createHash(hash).update(d).update(i).digest();
    for (let r = 1; r < iterations; r++) a = createHash(hash).update(a).digest();
    blocks.push(a);
    // B.2 step 6: I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block I_j, B being A repeated.
    const b = fill(a, v).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] ?? 0) + (b[k] ?? 0) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(blocks).subarray(0, length);
}
