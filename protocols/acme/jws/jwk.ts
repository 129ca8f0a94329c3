/**
 * Account keys as JWKs, with node:crypto directly (the hot path: every ACME POST verifies one
 * signature, and jose's generic path costs several times more per verification).
 */
import {
  createHash,
  createPublicKey,
  verify as cryptoVerify,
  constants,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { problem } from '../problems.js';

/** RFC 8555 §6.2: the algorithms this server accepts. */
export const allowedAlgorithms = ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type JwsAlgorithm = (typeof allowedAlgorithms)[number];

export function isAllowedAlgorithm(alg: unknown): alg is JwsAlgorithm {
  return typeof alg === 'string' && (allowedAlgorithms as readonly string[]).includes(alg);
}

const curveOf: Partial<Record<JwsAlgorithm, string>> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };
const hashOf: Record<JwsAlgorithm, string | null> = {
  RS256: 'sha256',
  PS256: 'sha256',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  EdDSA: null,
};

/** A verified-usable account key: its public JWK (only the public members) and KeyObject. */
export interface AccountKey {
  jwk: JsonWebKey;
  key: KeyObject;
  thumbprint: string;
}

function isB64u(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9_-]+$/.test(value);
}

/** The RFC 7638 members of a public JWK, the only ones kept. */
export function publicMembers(jwk: Record<string, unknown>): JsonWebKey {
  switch (jwk.kty) {
    case 'RSA':
      if (!isB64u(jwk.n) || !isB64u(jwk.e)) break;
      return { kty: 'RSA', n: jwk.n, e: jwk.e };
    case 'EC':
      if (typeof jwk.crv !== 'string' || !isB64u(jwk.x) || !isB64u(jwk.y)) break;
      return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
    case 'OKP':
      if (jwk.crv !== 'Ed25519' || !isB64u(jwk.x)) break;
      return { kty: 'OKP', crv: jwk.crv, x: jwk.x };
  }
  throw problem.badPublicKey('The JWK is malformed or of an unsupported key type');
}

/** RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order. */
export function thumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/** Imports a JWK from a request; anything unusable is badPublicKey, never a 500. */
export function importJwk(raw: unknown): AccountKey {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw problem.malformed('The jwk header is not an object');
  const jwk = publicMembers(raw as Record<string, unknown>);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch (cause) {
    throw problem.badPublicKey('The JWK does not describe a usable public key', { cause });
  }
  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048 || bits > 8192) throw problem.badPublicKey('RSA account keys must be 2048 to 8192 bits');
  }
  return { jwk, key, thumbprint: thumbprint(jwk) };
}

/** Whether `alg` is the algorithm of this key type (RFC 7518 §3.1); a mismatch is badSignatureAlgorithm. */
export function assertAlgorithmMatchesKey(alg: JwsAlgorithm, key: KeyObject): void {
  const type = key.asymmetricKeyType;
  const ok =
    alg === 'RS256' || alg === 'PS256'
      ? type === 'rsa'
      : alg === 'EdDSA'
        ? type === 'ed25519'
        : type === 'ec' && curveName(key) === curveOf[alg];
  if (!ok) {
    throw problem.badSignatureAlgorithm(`The algorithm ${alg} does not match the ${type ?? 'unknown'} key`, {
      extra: { algorithms: [...allowedAlgorithms] },
    });
  }
}

/** Reading a key's details costs node as much as a verification; keys are reused, so it is kept. */
const curveNames = new WeakMap<KeyObject, string | undefined>();

function curveName(key: KeyObject): string | undefined {
  if (curveNames.has(key)) return curveNames.get(key);
  const c = key.asymmetricKeyDetails?.namedCurve;
  const name = c === 'prime256v1' ? 'P-256' : c === 'secp384r1' ? 'P-384' : c === 'secp521r1' ? 'P-521' : c;
  curveNames.set(key, name);
  return name;
}

/** Verifies a JWS signature over `protected.payload` (RFC 7515 §5.2). */
export function verifySignature(
  alg: JwsAlgorithm,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  try {
    const data = Buffer.from(signingInput, 'ascii');
    const hash = hashOf[alg];
    if (alg === 'PS256') {
      return cryptoVerify(
        hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 },
        signature,
      );
    }
    if (alg.startsWith('ES')) return cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    return cryptoVerify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/** The DER SubjectPublicKeyInfo of a key, to compare a CSR's key with the account key. */
export function spkiDer(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' });
}
