import type { RevocationReason } from '../../../ca/types.js';

export interface CertificateRecord {
  serialNumber: string;
  requestId: string | null;
  profileId: string | null;
  assetId: string | null;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  pem: string;
  status: 'valid' | 'revoked';
  revokedAt: Date | null;
  revocationReason: RevocationReason | null;
  createdAt: Date;
}
