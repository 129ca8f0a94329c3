/** Domain objects for the store contract suite; every id is fresh and sorts the same in every collation. */
import { randomBytes } from 'node:crypto';
import type { Asset } from '../../../src/core/assets/asset.js';
import type { AuditEvent } from '../../../src/core/audit/event.js';
import type { CertificateRecord } from '../../../src/core/certificates/certificate.js';
import type { EnrollmentCode } from '../../../src/core/codes/code.js';
import type { Approval, EnrollmentRequest } from '../../../src/core/enrollment/request.js';
import { defaultProfileSettings } from '../../../src/core/profiles/profile.js';
import type { Profile } from '../../../src/core/profiles/profile.js';
import type { ApiToken } from '../../../src/core/tokens/token.js';

let counter = 0;
const run = randomBytes(3).toString('hex');

/** `prefix` + a zero-padded counter: ids made later sort after ids made earlier. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}${counter.toString().padStart(6, '0')}${run}`;
}

/** A fixed instant with a millisecond part, so that precision loss shows. */
export const t0 = new Date(Date.UTC(2026, 10, 21, 9, 30, 15, 123));

export function at(offsetMs: number): Date {
  return new Date(t0.getTime() + offsetMs);
}

export function profile(overrides: Partial<Profile> = {}): Profile {
  const id = overrides.id ?? uid('prf');
  return {
    ...defaultProfileSettings(),
    description: 'Servers in the lab',
    id,
    name: `profile-${id}`,
    status: 'active',
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function asset(overrides: Partial<Asset> = {}): Asset {
  const id = overrides.id ?? uid('ast');
  return {
    id,
    name: `host-${id}`,
    dnsNames: [`${id}.lab.example`],
    owner: 'ops@example.com',
    notifyEmail: null,
    attributes: { rack: 'B2', note: 'Zürich ✓' },
    status: 'active',
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function request(profileId: string, overrides: Partial<EnrollmentRequest> = {}): EnrollmentRequest {
  return {
    id: uid('req'),
    kind: 'certificate',
    protocol: 'p10',
    profileId,
    assetId: null,
    requester: 'alice',
    subject: 'CN=www.lab.example',
    dnsNames: ['www.lab.example'],
    ipAddresses: ['192.0.2.7'],
    csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
    csrSha256: 'ab'.repeat(32),
    signerKeySha256: null,
    status: 'pending',
    requiredApprovals: 1,
    reason: null,
    certificateSerial: null,
    externalRef: null,
    createdAt: at(0),
    updatedAt: at(0),
    expiresAt: at(7 * 24 * 3600_000),
    approvalKey: null,
    attempts: 1,
    lastAttemptAt: at(0),
    decidedAt: null,
    coveredBy: null,
    ...overrides,
  };
}

export function approval(requestId: string, overrides: Partial<Approval> = {}): Approval {
  return {
    requestId,
    approver: 'bob',
    decision: 'approve',
    comment: null,
    createdAt: at(1000),
    ...overrides,
  };
}

export function certificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    serialNumber: uid('5e'),
    requestId: null,
    profileId: null,
    assetId: null,
    subject: 'CN=www.lab.example',
    dnsNames: ['www.lab.example'],
    ipAddresses: [],
    notBefore: at(-60_000),
    notAfter: at(90 * 24 * 3600_000 + 999),
    pem: '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n',
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    purpose: 'enrollment',
    createdAt: at(0),
    ...overrides,
  };
}

export function code(profileId: string, overrides: Partial<EnrollmentCode> = {}): EnrollmentCode {
  return {
    id: uid('cod'),
    profileId,
    assetId: null,
    purpose: 'scep-challenge',
    secretHash: randomBytes(32).toString('hex'),
    secretSealed: null,
    boundSubject: null,
    singleUse: true,
    expiresAt: at(3600_000),
    maxAttempts: 5,
    failedAttempts: 0,
    status: 'active',
    createdAt: at(0),
    updatedAt: at(0),
    ...overrides,
  };
}

export function auditEvent(seq: number, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    seq,
    at: at(seq * 1000),
    actor: 'alice',
    action: 'profile.create',
    targetType: 'profile',
    targetId: 'p1',
    data: { name: 'web', nested: { n: seq } },
    prevHash: seq === 1 ? '0'.repeat(64) : `h${seq - 1}`,
    hash: `h${seq}`,
    ...overrides,
  };
}

export function token(overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id: uid('tok'),
    subject: 'alice',
    role: 'admin',
    tokenHash: randomBytes(32).toString('hex'),
    expiresAt: null,
    createdAt: at(0),
    lastUsedAt: null,
    ...overrides,
  };
}
