/**
 * How the local CA persists itself, declared by the CA (micromdm's Depot): `src/store` implements it,
 * so every instance sharing a database shares one CA. Keys are stored only as encrypted PKCS#8 PEM.
 */
import type { RevocationReason } from '../types.js';

export interface StoredCaMaterial {
  rootCertPem: string;
  /** Encrypted PKCS#8 PEM (PBES2, AES-256-CBC) under the CA passphrase. */
  rootKeyPem: string;
  issuingCertPem: string;
  issuingKeyPem: string;
  /** The issuing CA's rollover certificate (same key, later validity) until it is activated. */
  nextIssuingCertPem?: string | null;
  createdAt: Date;
}

/** The SCEP RA certificate (RFC 8894 §2.1): RSA, issued by the issuing CA, key encrypted like the CA keys. */
export interface StoredRaMaterial {
  certPem: string;
  /** Encrypted PKCS#8 PEM (PBES2, AES-256-CBC) under the CA passphrase. */
  keyPem: string;
  createdAt: Date;
}

export interface CaRevocation {
  serialNumber: string;
  revokedAt: Date;
  reason: RevocationReason;
}

export interface LocalCaStore {
  loadMaterial(): Promise<StoredCaMaterial | null>;
  /** Saves the first CA; returns false (and saves nothing) when another instance saved one first. */
  saveMaterial(material: StoredCaMaterial): Promise<boolean>;
  /** Sets (or, with null, withdraws) the issuing CA's rollover certificate. */
  saveNextIssuingCertificate(pem: string | null): Promise<void>;
  /**
   * Makes the rollover certificate `pem` the issuing certificate and clears it; false when the
   * store's rollover certificate is not `pem` (withdrawn, replaced, or already activated).
   */
  activateNextIssuingCertificate(pem: string): Promise<boolean>;
  /** Idempotent: a second revocation of the same serial keeps the first. */
  addRevocation(revocation: CaRevocation): Promise<void>;
  listRevocations(): Promise<CaRevocation[]>;
  loadRaMaterial(): Promise<StoredRaMaterial | null>;
  /** Saves the first RA certificate; false (and nothing saved) when another instance saved one first. */
  saveRaMaterial(material: StoredRaMaterial): Promise<boolean>;
}
