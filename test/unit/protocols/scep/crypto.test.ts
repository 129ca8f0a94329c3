/** RSA unwrap with implicit rejection and the content ciphers, checked against OpenSSL's output. */
import { constants, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ciphers } from '../../../../protocols/scep/crypto/algorithms.js';
import { decryptContent, encryptContent } from '../../../../protocols/scep/crypto/content-cipher.js';
import { selectKey, unwrapKey } from '../../../../protocols/scep/crypto/rsa-unwrap.js';
import { opensslOk } from '../../../helpers/pki.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('unwrapKey (PKCS#1 v1.5 with implicit rejection)', () => {
  it('ok/returns the key a PKCS#1 v1.5 encryption wrapped', () => {
    const key = randomBytes(32);
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key);
    expect(unwrapKey(privateKey, wrapped, 32)).toEqual(key);
  });

  it('fail/a wrong expected length yields a synthetic key, deterministic per ciphertext, never an error', () => {
    const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(16));
    const a = unwrapKey(privateKey, wrapped, 32);
    expect(a).toHaveLength(32);
    expect(unwrapKey(privateKey, wrapped, 32)).toEqual(a);
  });

  it.each([
    ['random ciphertext', () => randomBytes(256)],
    ['short ciphertext', () => randomBytes(10)],
    ['empty', () => new Uint8Array()],
    ['all 0xff (not below the modulus)', () => Buffer.alloc(256, 0xff)],
    [
      'OAEP-padded key',
      () => publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, randomBytes(16)),
    ],
  ])('fail/%s → a synthetic key of the right length', (_name, make) => {
    expect(unwrapKey(privateKey, make(), 16)).toHaveLength(16);
  });

  it.each([
    ['first octet not 0', [1, 2, ...Array(9).fill(7), 0, 9, 9]],
    ['second octet not 2', [0, 1, ...Array(9).fill(7), 0, 9, 9]],
    ['fewer than 8 padding octets', [0, 2, 7, 7, 7, 0, 9, 9]],
    ['no separator', [0, 2, ...Array(12).fill(7)]],
  ])('selectKey fail/%s → the synthetic key', (_name, em) => {
    const synthetic = Buffer.from([0xaa, 0xbb]);
    expect(selectKey(Uint8Array.from(em), synthetic, 2)).toEqual(synthetic);
  });

  it('selectKey ok/a well-formed block yields its message', () => {
    const em = Uint8Array.from([0, 2, ...Array(8).fill(7), 0, 0x11, 0x22]);
    expect(selectKey(em, Buffer.from([0xaa, 0xbb]), 2)).toEqual(Buffer.from([0x11, 0x22]));
  });
});

describe('content ciphers', () => {
  it.each(ciphers.map((c) => [c.name, c] as const))('ok/%s round-trips and matches openssl', (name, spec) => {
    const key = randomBytes(spec.keyLength);
    const iv = randomBytes(spec.ivLength);
    const data = randomBytes(45);
    const encrypted = encryptContent(spec, key, iv, data);
    expect(decryptContent(spec, key, iv, encrypted)).toEqual(data);
    const args = [
      'enc',
      '-d',
      `-${name}`,
      '-K',
      key.toString('hex'),
      '-iv',
      iv.toString('hex'),
      '-in',
      'c.bin',
    ];
    if (name === 'des-cbc') args.push('-provider', 'legacy', '-provider', 'default');
    // OpenSSL decrypts what we encrypted (and checks the padding); DES needs its legacy provider.
    expect(opensslOk([...args, '-out', 'p.bin'], { files: { 'c.bin': encrypted } })).toBe('');
  });

  it.each(ciphers.map((c) => [c.name, c] as const))(
    'fail/%s with a wrong key or truncated data throws',
    (_name, spec) => {
      const key = randomBytes(spec.keyLength);
      const iv = randomBytes(spec.ivLength);
      const encrypted = encryptContent(spec, key, iv, randomBytes(40));
      expect(() => decryptContent(spec, key, iv, encrypted.subarray(0, encrypted.length - 1))).toThrow();
      expect(() => decryptContent(spec, key.subarray(1), iv, encrypted)).toThrow();
      expect(() => decryptContent(spec, key, iv, new Uint8Array())).toThrow();
    },
  );
});
