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
}

export interface CodePolicy {
  ttlHours: number;
  maxAttempts: number;
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
    approval: { required: false, approvers: 1, pendingTtlHours: 24 * 7 },
    protocols: ['acme', 'scep', 'p10', 'p12'],
    codePolicy: { ttlHours: 24 * 7, maxAttempts: 5 },
  };
}
