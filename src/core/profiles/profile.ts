import type { KeyUsageName } from '../../../ca/types.js';

export type ProfileStatus = 'draft' | 'active' | 'disabled';
export type Protocol = 'acme' | 'scep' | 'p10' | 'p12';
export const protocols: readonly Protocol[] = ['acme', 'scep', 'p10', 'p12'];

export interface KeyPolicy {
  /** Public key types a CSR may carry. */
  algorithms: ('rsa' | 'ec' | 'ed25519')[];
  minRsaBits: number;
  ecCurves: ('P-256' | 'P-384' | 'P-521')[];
  /** Key the server generates for P12 enrolment. */
  generate: 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096';
}

export interface DomainPolicy {
  /** DNS suffixes a name must end with (label-aligned); empty allows every name. */
  allowedSuffixes: string[];
  allowWildcards: boolean;
  allowIpAddresses: boolean;
}

export interface ApprovalPolicy {
  required: boolean;
  /** Distinct approvers needed before issuance. */
  approvers: number;
  /** A pending request expires after this many hours. */
  pendingTtlHours: number;
  /**
   * How long an approval or rejection answers the same account's next requests for the same
   * identifiers (ACME), in hours; 0: every request waits for its own decision. Absent: 24.
   */
  decisionWindowHours?: number;
}

/** The decision window of a profile that does not set one. */
export const defaultDecisionWindowHours = 24;

export interface CodePolicy {
  ttlHours: number;
  maxAttempts: number;
}

/** How the SCEP face (RFC 8894) serves this profile. */
export interface ScepSettings {
  /** Put the issuing chain after the certificate in CertRep (Cisco wants it; Juniper refuses it). */
  includeChain: boolean;
  /**
   * Accept single-DES content encryption (RFC 8894 §2.9 says MUST NOT; micromdm's scepclient and
   * sscep still use it). Off by default: such requests get FAILURE badAlg.
   */
  allowDes: boolean;
  /** A renewal may keep the old key (micromdm's scepclient renews with the same key). */
  allowKeyReuse: boolean;
  /** The GetCACaps list (RFC 8894 §3.5.2), reduced to what the server really supports. */
  capabilities: string[];
  /** Map the CSR's unstructuredName / unstructuredAddress (Cisco) to DNS / IP names. */
  mapUnstructuredNames: boolean;
  /**
   * GetCACert: 'ra-chain' = degenerate PKCS#7, RA first, then the CA chain (RFC 8894 §4.2.1.2);
   * 'ra-only' = the RA certificate alone as DER, for clients that encrypt to every certificate
   * received and cannot use a non-RSA CA (micromdm's scepclient without -ca-fingerprint);
   * 'auto' = 'ra-only' to those clients while the chain holds a non-RSA key, else 'ra-chain'.
   */
  caCertFormat: 'auto' | 'ra-chain' | 'ra-only';
  /**
   * Refuse (FAILURE badTime) a request whose signingTime is further than this from the server's clock;
   * null: not checked (devices without a real-time clock send 1970 or 2000).
   */
  maxClockSkewMinutes: number | null;
}

/** Every GetCACaps keyword the SCEP face implements (RFC 8894 §3.5.2), in the RFC's order. */
export const scepCapabilities = [
  'AES',
  'DES3',
  'GetNextCACert',
  'POSTPKIOperation',
  'Renewal',
  'SHA-1',
  'SHA-256',
  'SHA-384',
  'SHA-512',
  'SCEPStandard',
] as const;

export function defaultScepSettings(): ScepSettings {
  return {
    includeChain: true,
    allowDes: false,
    allowKeyReuse: false,
    // All of them: some clients pick AES only when SHA-384 is listed too (issue 4).
    capabilities: [...scepCapabilities],
    mapUnstructuredNames: true,
    caCertFormat: 'auto',
    maxClockSkewMinutes: null,
  };
}

/** How the ACME face (RFC 8555) serves this profile. */
export interface AcmeSettings {
  /** newAccount requires an External Account Binding (§7.3.4) from an enrolment code of this profile. */
  externalAccountRequired: boolean;
  /** New accounts are created but may not order until an approver approves them. */
  accountApprovalRequired: boolean;
  /** Check CAA (RFC 8659, with RFC 8657 accounturi and validationmethods) before issuing. */
  caaCheck: boolean;
}

export function defaultAcmeSettings(): AcmeSettings {
  return {
    externalAccountRequired: false,
    accountApprovalRequired: false,
    caaCheck: false,
  };
}

export interface ProfileSettings {
  description: string;
  keyPolicy: KeyPolicy;
  validityDays: number;
  keyUsage: KeyUsageName[];
  /** Dotted OIDs. */
  extendedKeyUsage: string[];
  domainPolicy: DomainPolicy;
  approval: ApprovalPolicy;
  protocols: Protocol[];
  codePolicy: CodePolicy;
  scep: ScepSettings;
  acme: AcmeSettings;
  /** PKCS#12 encryption of P12 enrolments: PBES2/AES-256 unless an old importer needs legacy-3des. */
  pkcs12Encryption?: 'aes-256' | 'legacy-3des';
}

export interface Profile extends ProfileSettings {
  id: string;
  name: string;
  status: ProfileStatus;
  createdAt: Date;
  updatedAt: Date;
}

export const ekuOids = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
} as const;

/** What a new profile gets unless told otherwise: a TLS server/client profile every face may use. */
export function defaultProfileSettings(): ProfileSettings {
  return {
    description: '',
    keyPolicy: {
      algorithms: ['rsa', 'ec', 'ed25519'],
      minRsaBits: 2048,
      ecCurves: ['P-256', 'P-384'],
      generate: 'ec-p256',
    },
    validityDays: 90,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extendedKeyUsage: [ekuOids.serverAuth, ekuOids.clientAuth],
    domainPolicy: { allowedSuffixes: [], allowWildcards: true, allowIpAddresses: true },
    approval: {
      required: false,
      approvers: 1,
      pendingTtlHours: 24 * 7,
      decisionWindowHours: defaultDecisionWindowHours,
    },
    protocols: ['acme', 'scep', 'p10', 'p12'],
    codePolicy: { ttlHours: 24 * 7, maxAttempts: 5 },
    scep: defaultScepSettings(),
    acme: defaultAcmeSettings(),
    pkcs12Encryption: 'aes-256',
  };
}
