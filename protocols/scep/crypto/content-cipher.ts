/**
 * Content encryption for the pkcsPKIEnvelope (RFC 8894 §3.2.2): AES-CBC and 3DES through node:crypto;
 * single DES through des.js. Why des.js rather than OpenSSL's legacy provider: the provider can only
 * be enabled for the whole process (`--openssl-legacy-provider`), which would also re-enable every
 * other legacy algorithm everywhere; des.js is a small pure-JavaScript DES (the one browserify's
 * crypto uses) called only on a profile that opts in to DES (RFC 8894 §2.9 says MUST NOT).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import des from 'des.js';
import type { CipherSpec } from './algorithms.js';

const desCbc = des.CBC.instantiate(des.DES);

/** Decrypts CBC content with PKCS#7 padding; throws on a wrong length or bad padding. */
export function decryptContent(spec: CipherSpec, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  if (key.length !== spec.keyLength || iv.length !== spec.ivLength) {
    throw new Error(`wrong key or IV length for ${spec.name}`);
  }
  if (data.length === 0 || data.length % spec.ivLength !== 0) {
    throw new Error(`the ${spec.name} ciphertext is not a whole number of blocks`);
  }
  if (spec.name === 'des-cbc') {
    const out = desCbc.create({ type: 'decrypt', key, iv });
    // des.js checks the pad octets and throws on a mismatch, like OpenSSL's final().
    return Buffer.from([...out.update(data), ...out.final()]);
  }
  const decipher = createDecipheriv(spec.name, key, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/** Encrypts with PKCS#7 padding (RFC 5652 §6.3). */
export function encryptContent(spec: CipherSpec, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  if (spec.name === 'des-cbc') {
    const out = desCbc.create({ type: 'encrypt', key, iv });
    return Buffer.from([...out.update(data), ...out.final()]);
  }
  const cipher = createCipheriv(spec.name, key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}
