import type { RevocationReason } from '../../../ca/types.js';

/**
 * What a certificate in the inventory is for: issued to an enrolment (ACME, SCEP, P10, P12), or the
 * gateway's own HTTPS listener certificate, issued at start and reused (gateway-tls.ts).
 */
export type CertificatePurpose = 'enrollment' | 'gateway-tls';

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
  purpose: CertificatePurpose;
  createdAt: Date;
}
