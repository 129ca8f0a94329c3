/**
 * The interface between the enrolment core and whatever CA stands behind the gateway (the built-in
 * local CA by default). Shaped after step-ca's cas/apiv1: the core asks for a certificate from a CSR
 * under a template derived from a profile; the CA decides nothing about policy.
 */

/** RFC 5280 §4.2.1.3 key usage bits, by their ASN.1 names. */
export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign';

/** RFC 5280 §5.3.1 CRLReason values; 7 is unused by the RFC. */
export type RevocationReason = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 8 | 9 | 10;

export interface IssuanceTemplate {
  /** RFC 4514 subject to put in the certificate; the CSR's subject when absent. */
  subject?: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  keyUsage: KeyUsageName[];
  /** Dotted OIDs, for example 1.3.6.1.5.5.7.3.1 (serverAuth). */
  extendedKeyUsage: string[];
}

export interface IssueInput {
  /** DER of a PKCS#10 request whose signature the core has already checked. */
  csrDer: Uint8Array;
  template: IssuanceTemplate;
}

export interface IssuedCertificate {
  /** Lower-case hex without leading zero octets trimmed: exactly the DER INTEGER content. */
  serialNumber: string;
  der: Uint8Array;
  pem: string;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  /** PEM of the issuing chain, issuing CA first, root last. */
  chainPem: string[];
}

export interface CertificateAuthority {
  issue(input: IssueInput): Promise<IssuedCertificate>;
  /** Records the revocation with the CA; the next CRL lists it. Idempotent. */
  revoke(serialNumber: string, reason: RevocationReason, revokedAt: Date): Promise<void>;
  /** The chain above the certificates this CA issues: issuing CA first, root last, as PEM. */
  caChain(): string[];
  /** A freshly signed DER CRL of the issuing CA (RFC 5280 §5). */
  crl(): Promise<Uint8Array>;
}
