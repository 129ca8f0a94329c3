/**
 * RSA PKCS#1 v1.5 key transport unwrap (RFC 8017 §7.2.2) without a padding oracle. Node 20 refuses
 * RSA_PKCS1_PADDING private decryption (CVE-2023-46809, the Marvin attack) and WebCrypto has no
 * RSAES-PKCS1-v1_5, so the raw RSA operation runs with RSA_NO_PADDING and the unpadding happens here:
 * every byte is inspected whatever the outcome, and a malformed block yields a synthetic key derived
 * from the ciphertext (implicit rejection, draft-irtf-cfrg-rsa-guidance §7.2) instead of an error. The
 * content decryption that follows then fails exactly as it would with a wrong key.
 */
import { constants, createHmac, privateDecrypt, randomBytes, type KeyObject } from 'node:crypto';

/** Per-process secret for synthetic keys: the same ciphertext always yields the same wrong key. */
const rejectionSecret = randomBytes(32);

/** Returns `keyLength` bytes: the wrapped key, or a synthetic one when the block is not valid v1.5. */
export function unwrapKey(privateKey: KeyObject, encryptedKey: Uint8Array, keyLength: number): Buffer {
  const modulusBytes = Math.ceil((privateKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const synthetic = syntheticKey(encryptedKey, keyLength);
  if (modulusBytes === 0 || encryptedKey.length !== modulusBytes) return synthetic;
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    // Only a ciphertext not below the modulus gets here: public information, no oracle.
    return synthetic;
  }
  return selectKey(em, synthetic, keyLength);
}

function syntheticKey(encryptedKey: Uint8Array, keyLength: number): Buffer {
  const out = Buffer.alloc(keyLength);
  let filled = 0;
  for (let counter = 0; filled < keyLength; counter++) {
    const block = createHmac('sha256', rejectionSecret).update(encryptedKey).update(String(counter)).digest();
    filled += block.copy(out, filled);
  }
  return out;
}

/**
 * EM = 0x00 || 0x02 || PS (≥ 8 non-zero octets) || 0x00 || M, |M| = keyLength. Branch-free over the
 * whole block: `good` is 1 only if every condition holds, then each output byte is chosen by mask.
 */
export function selectKey(em: Uint8Array, synthetic: Uint8Array, keyLength: number): Buffer {
  const k = em.length;
  let good = isZero(em[0] ?? 1) & isZero((em[1] ?? 0) ^ 2);
  // Index of the first zero octet after the two header octets; k when none.
  let separator = k;
  let found = 0;
  for (let i = 2; i < k; i++) {
    const zero = isZero(em[i] ?? 1);
    const take = zero & (found ^ 1);
    separator = select(take, i, separator);
    found |= zero;
  }
  good &= found;
  good &= isZero(((separator - 10) >>> 31) & 1); // at least 8 padding octets: separator ≥ 10
  good &= isZero(k - separator - 1 - keyLength); // the message is exactly the key length
  const out = Buffer.alloc(keyLength);
  const start = k - keyLength;
  const mask = -good & 0xff;
  for (let i = 0; i < keyLength; i++) {
    out[i] = ((em[start + i] ?? 0) & mask) | ((synthetic[i] ?? 0) & ~mask & 0xff);
  }
  return out;
}

/** 1 when x is 0, else 0, for |x| < 2^31, without a branch. */
function isZero(x: number): number {
  return (((x | -x) >>> 31) & 1) ^ 1;
}

function select(bit: number, a: number, b: number): number {
  const mask = -bit;
  return (a & mask) | (b & ~mask);
}
