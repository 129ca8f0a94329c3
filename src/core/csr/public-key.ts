/**
 * The public key of a certificate request, as node:crypto sees it: what key policy checks (type,
 * RSA modulus size, EC curve) and the KeyObject the self-signature is verified with.
 */
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { publicKeyFromSpki } from '../../../ca/pki/public-key.js';
import { CoreError } from '../errors.js';

/** Summary of a request's public key. */
export interface CsrPublicKey {
  /** RSA includes RSASSA-PSS keys (RFC 4055 §1.2). */
  algorithm: 'rsa' | 'ec' | 'ed25519' | 'other';
  rsaBits?: number;
  /** NIST curves only; other curves (brainpool, secp256k1) leave it unset. */
  curve?: 'P-256' | 'P-384' | 'P-521';
  /** DER SubjectPublicKeyInfo. */
  spkiDer: Uint8Array;
}

/** rsaEncryption, id-RSASSA-PSS, id-ecPublicKey, id-Ed25519. */
const KNOWN_KEY_OIDS: readonly string[] = [
  '1.2.840.113549.1.1.1',
  '1.2.840.113549.1.1.10',
  '1.2.840.10045.2.1',
  '1.3.101.112',
];

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * Loads the request's public key (`spkiDer`: its SubjectPublicKeyInfo as the request holds it) for
 * signature checking and summarizes it for key policy. Keys of a type node cannot load at all are
 * 'other' (and their requests can never verify); a key of a known type, or a structure, that does
 * not load is malformed.
 */
export function readPublicKey(spkiDer: Uint8Array): { key: KeyObject | null; summary: CsrPublicKey } {
  let key: KeyObject;
  try {
    key = publicKeyFromSpki(spkiDer);
  } catch (error) {
    let oid: string;
    try {
      oid = AsnConvert.parse(spkiDer, SubjectPublicKeyInfo).algorithm.algorithm;
    } catch (cause) {
      throw new CoreError('bad_csr', 'The CSR public key is malformed', { cause });
    }
    if (KNOWN_KEY_OIDS.includes(oid)) {
      throw new CoreError('bad_csr', 'The CSR public key is malformed', { cause: error });
    }
    // A key type node cannot load (post-quantum, GOST, ...): reported as 'other', never verifiable.
    return { key: null, summary: { algorithm: 'other', spkiDer } };
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { key, summary: { algorithm: 'rsa', rsaBits: details.modulusLength, spkiDer } };
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      return { key, summary: curve ? { algorithm: 'ec', curve, spkiDer } : { algorithm: 'ec', spkiDer } };
    }
    case 'ed25519':
      return { key, summary: { algorithm: 'ed25519', spkiDer } };
    default:
      return { key, summary: { algorithm: 'other', spkiDer } };
  }
}
