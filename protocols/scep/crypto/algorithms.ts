/**
 * The algorithms SCEP messages name, by OID (RFC 8894 §2.9, §3.5.2): digests for the SignedData,
 * content-encryption ciphers for the EnvelopedData, and RSA key transport.
 */

export type DigestName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

/** Digest algorithm OIDs (RFC 3370 §2.1, RFC 5754 §2). MD5 (sscep's default) is refused. */
export const digestOids: Record<string, DigestName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const digestOidOf: Record<DigestName, string> = {
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
};

/** rsaEncryption: the plain signature algorithm identifier every SCEP client accepts (RFC 3370 §3.2). */
export const rsaEncryption = '1.2.840.113549.1.1.1';

/** Signature algorithm OIDs a request's SignerInfo may carry, with the digest they imply (null: digestAlgorithm's). */
export const signatureOids: Record<string, { kind: 'rsa' | 'ecdsa'; digest: DigestName | null }> = {
  [rsaEncryption]: { kind: 'rsa', digest: null },
  '1.2.840.113549.1.1.5': { kind: 'rsa', digest: 'sha1' },
  '1.2.840.113549.1.1.11': { kind: 'rsa', digest: 'sha256' },
  '1.2.840.113549.1.1.12': { kind: 'rsa', digest: 'sha384' },
  '1.2.840.113549.1.1.13': { kind: 'rsa', digest: 'sha512' },
  '1.2.840.10045.2.1': { kind: 'ecdsa', digest: null },
  '1.2.840.10045.4.1': { kind: 'ecdsa', digest: 'sha1' },
  '1.2.840.10045.4.3.2': { kind: 'ecdsa', digest: 'sha256' },
  '1.2.840.10045.4.3.3': { kind: 'ecdsa', digest: 'sha384' },
  '1.2.840.10045.4.3.4': { kind: 'ecdsa', digest: 'sha512' },
};

export type CipherName = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

export interface CipherSpec {
  name: CipherName;
  oid: string;
  keyLength: number;
  ivLength: number;
}

/** Content-encryption algorithms (RFC 8894 §2.9; RFC 3565 for AES, RFC 3370 §5.1 for 3DES). */
export const ciphers: readonly CipherSpec[] = [
  { name: 'des-cbc', oid: '1.3.14.3.2.7', keyLength: 8, ivLength: 8 },
  { name: 'des-ede3-cbc', oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8 },
  { name: 'aes-128-cbc', oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16 },
  { name: 'aes-192-cbc', oid: '2.16.840.1.101.3.4.1.22', keyLength: 24, ivLength: 16 },
  { name: 'aes-256-cbc', oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16 },
];

export function cipherByOid(oid: string): CipherSpec | undefined {
  return ciphers.find((c) => c.oid === oid);
}
