/** PKCS#12 encryption: modern PBES2 (RFC 8018) or the 3DES/SHA-1 scheme old importers need. */
export type P12Encryption = 'aes-256' | 'legacy-3des';

/**
 * A server-generated key waiting for its one download. The key is sealed under a key outside the
 * database and erased (set to null) by the download or by its expiry; the P12 password is never kept.
 */
export interface P12Delivery {
  requestId: string;
  keySealed: string | null;
  encryption: P12Encryption;
  keyExpiresAt: Date;
  downloadedAt: Date | null;
  installedAt: Date | null;
  installedBy: string | null;
  createdAt: Date;
}
