/**
 * CA key pairs with node:crypto: generation, encrypted PKCS#8 storage, and the signature algorithm
 * each key signs with. Signing goes straight through `crypto.sign` on a KeyObject, which is what
 * keeps an issuance around a millisecond.
 */
import { createPrivateKey, generateKeyPair, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Key algorithms the local CA can be configured with. */
export type CaKeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';

/** All accepted {@link CaKeyAlgorithm} values, for configuration validation. */
export const caKeyAlgorithms: readonly CaKeyAlgorithm[] = [
  'ecdsa-p256',
  'ecdsa-p384',
  'rsa-2048',
  'rsa-3072',
  'rsa-4096',
];

/** Signature algorithm OIDs: RFC 5758 §3.2 (ECDSA) and RFC 4055 §5 (RSA PKCS#1 v1.5). */
export const signatureOids = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
} as const;

/** A private key together with the algorithm it signs certificates and CRLs with. */
export interface CaSigner {
  key: KeyObject;
  /** The AlgorithmIdentifier for both TBSCertificate.signature and Certificate.signatureAlgorithm. */
  algorithm: AlgorithmIdentifier;
  /** Digest name for `crypto.sign`. */
  hash: 'sha256' | 'sha384';
}

/** A fresh key pair. RSA generation is slow (seconds for 4096 bits), hence the async variant. */
export async function generateCaKeyPair(
  algorithm: CaKeyAlgorithm,
): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (algorithm) {
    case 'ecdsa-p256':
      return generateKeyPairAsync('ec', { namedCurve: 'P-256' });
    case 'ecdsa-p384':
      return generateKeyPairAsync('ec', { namedCurve: 'P-384' });
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return generateKeyPairAsync('rsa', { modulusLength: Number(algorithm.slice(4)) });
    default:
      throw new Error(`unsupported CA key algorithm: ${String(algorithm)}`);
  }
}

/** Encrypted PKCS#8 PEM ("ENCRYPTED PRIVATE KEY", PBES2 with AES-256-CBC) under the passphrase. */
export function exportEncryptedPrivateKey(key: KeyObject, passphrase: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }) as string;
}

/** Thrown when the configured passphrase does not decrypt a stored CA key. */
export class CaPassphraseError extends Error {
  override readonly name = 'CaPassphraseError';
}

/**
 * Decrypts a stored CA key. OpenSSL reports a wrong passphrase as "bad decrypt" or a PKCS#8 parse
 * failure; both become one {@link CaPassphraseError} an operator can act on.
 */
export function importEncryptedPrivateKey(pem: string, passphrase: string, what: string): KeyObject {
  if (!pem.includes('-----BEGIN ENCRYPTED PRIVATE KEY-----')) {
    throw new Error(`the stored ${what} key is not an encrypted PKCS#8 PEM`);
  }
  try {
    return createPrivateKey({ key: pem, format: 'pem', passphrase });
  } catch (cause) {
    throw new CaPassphraseError(
      `The CA passphrase does not decrypt the stored ${what} key: check the configured CA passphrase`,
      { cause },
    );
  }
}

/**
 * The signature algorithm a CA key signs with. ECDSA takes the hash matching the curve strength
 * (P-256 → SHA-256, P-384 → SHA-384); RSA uses SHA-256 whatever the modulus. Parameters follow the
 * algorithm RFCs exactly: absent for ECDSA (RFC 5758 §3.2), NULL for RSA (RFC 4055 §5).
 */
export function signerFor(key: KeyObject): CaSigner {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') {
      return {
        key,
        hash: 'sha256',
        algorithm: new AlgorithmIdentifier({ algorithm: signatureOids.ecdsaWithSha256 }),
      };
    }
    if (curve === 'secp384r1') {
      return {
        key,
        hash: 'sha384',
        algorithm: new AlgorithmIdentifier({ algorithm: signatureOids.ecdsaWithSha384 }),
      };
    }
    throw new Error(`unsupported CA key curve: ${String(curve)}`);
  }
  if (key.asymmetricKeyType === 'rsa') {
    return {
      key,
      hash: 'sha256',
      algorithm: new AlgorithmIdentifier({
        algorithm: signatureOids.sha256WithRsaEncryption,
        parameters: null,
      }),
    };
  }
  throw new Error(`unsupported CA key type: ${String(key.asymmetricKeyType)}`);
}

/**
 * Signs a DER structure (TBSCertificate or TBSCertList). Node emits ECDSA signatures as the DER
 * Ecdsa-Sig-Value that X.509 expects (RFC 5758 §3.2), and RSA as PKCS#1 v1.5.
 */
export function signDer(signer: CaSigner, tbsDer: Uint8Array): Uint8Array {
  return new Uint8Array(sign(signer.hash, tbsDer, signer.key));
}
