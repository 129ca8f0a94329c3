/**
 * publicKeyFromSpki reads RSA and P-256 keys itself and hands the rest to OpenSSL's decoder; whichever
 * path a key takes, the result must be the decoder's: the same key, or a refusal.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyFromSpki } from '../../../../ca/pki/public-key.js';

const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
const decoder = (der: Uint8Array): KeyObject =>
  createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });

/** Both paths agree: equal keys, or both refuse. */
function expectSameAsDecoder(der: Uint8Array): void {
  let expected: KeyObject | Error;
  try {
    expected = decoder(der);
  } catch (error) {
    expected = error as Error;
  }
  if (expected instanceof Error) {
    expect(() => publicKeyFromSpki(der)).toThrow();
  } else {
    const key = publicKeyFromSpki(der);
    expect(key.equals(expected)).toBe(true);
    expect(key.asymmetricKeyType).toBe(expected.asymmetricKeyType);
    expect(key.asymmetricKeyDetails).toEqual(expected.asymmetricKeyDetails);
  }
}

const keys = {
  'RSA-2048': generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey,
  'RSA-1024, e=3': generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }).publicKey,
  'RSASSA-PSS': generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey,
  'P-256': generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
  'P-384': generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey,
  'P-521': generateKeyPairSync('ec', { namedCurve: 'P-521' }).publicKey,
  secp256k1: generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey,
  Ed25519: generateKeyPairSync('ed25519').publicKey,
};

describe('publicKeyFromSpki', () => {
  it.each(Object.entries(keys))('loads a %s key exactly as the DER decoder does', (_, key) => {
    const der = spkiOf(key);
    expect(publicKeyFromSpki(der).equals(key)).toBe(true);
    expectSameAsDecoder(der);
  });

  it('loads a compressed P-256 point through the decoder', () => {
    const compressed = spkiOf(keys['P-256']);
    const raw = compressed.subarray(compressed.length - 65);
    const prefix = Buffer.from('3039301306072a8648ce3d020106082a8648ce3d030107032200', 'hex');
    const point = Buffer.concat([Buffer.from([(raw[64] as number) & 1 ? 3 : 2]), raw.subarray(1, 33)]);
    const der = Buffer.concat([prefix, point]);
    expect(publicKeyFromSpki(der).equals(keys['P-256'])).toBe(true);
  });

  it('refuses a P-256 point that is not on the curve', () => {
    const der = Buffer.from(spkiOf(keys['P-256']));
    der[der.length - 1] ^= 1;
    expect(() => publicKeyFromSpki(der)).toThrow();
  });

  it('agrees with the decoder on malformed keys', () => {
    const rsa = spkiOf(keys['RSA-2048']);
    const p256 = spkiOf(keys['P-256']);
    const cases: Uint8Array[] = [
      new Uint8Array(0),
      Buffer.from([0x30]),
      Buffer.from([0x30, 0x00]),
      rsa.subarray(0, rsa.length - 1),
      Buffer.concat([rsa, Buffer.from([0])]),
      p256.subarray(0, 40),
      Buffer.concat([p256, Buffer.from([0])]),
      Buffer.from('not a key at all'),
    ];
    // The modulus made negative (its leading zero octet dropped by shortening every length by one).
    const flipped = Buffer.from(rsa);
    flipped[rsa.indexOf(Buffer.from('0282010100', 'hex')) + 4] = 0xff;
    cases.push(flipped);
    // Parameters other than NULL after rsaEncryption.
    const params = Buffer.from(rsa);
    params[params.indexOf(Buffer.from('0500', 'hex'))] = 0x04;
    cases.push(params);
    // A BIT STRING with unused bits.
    const bits = Buffer.from(p256);
    bits[p256.length - 66] = 1;
    cases.push(bits);
    for (const der of cases) expectSameAsDecoder(der);
  });
});
