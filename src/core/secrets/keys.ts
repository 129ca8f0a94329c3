import { hkdfSync } from 'node:crypto';

/**
 * Every server secret derives from one master key kept outside the database (config or a 0600 key
 * file), so that a copy of the database alone reveals no CA key, enrolment code or P12 key.
 */
export interface DerivedKeys {
  /** Passphrase of the CA's encrypted PKCS#8 keys. */
  caPassphrase: string;
  /** HMAC key for enrolment-code hashes. */
  codePepper: Buffer;
  /** AES-256-GCM key for secrets the server must read back (showable codes, EAB MAC keys, P12 keys). */
  sealKey: Buffer;
  /** HMAC key for self-checking protocol nonces shared by every instance. */
  nonceKey: Buffer;
}

function derive(master: Buffer, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `enrollment-gateway/${info}`, 32));
}

export function deriveKeys(masterKey: Buffer): DerivedKeys {
  if (masterKey.length < 32) throw new Error('The master key must be at least 32 bytes');
  return {
    caPassphrase: derive(masterKey, 'ca-passphrase').toString('base64url'),
    codePepper: derive(masterKey, 'code-pepper'),
    sealKey: derive(masterKey, 'seal'),
    nonceKey: derive(masterKey, 'nonce'),
  };
}
