/** The zod schemas the admin API validates with and documents from: inputs, views, pagination, errors. */
import { z } from 'zod';
import { coreErrorCodes, httpErrorCodes } from '../../http/errors.js';

export const id = z.string().min(1).max(200);
export const idParams = z.object({ id });
export const serialParams = z.object({ serial: z.string().regex(/^[0-9a-fA-F:]{1,128}$/) });

const isoDate = z.iso.datetime({ offset: true });
export const dateQuery = isoDate.transform((s) => new Date(s));

/** Every list: keyset cursor, page size, sort field and direction. */
export function listQuery<const F extends readonly [string, ...string[]]>(sortFields: F) {
  return z.object({
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    sort: z.enum(sortFields).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  });
}

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next: z.string().nullable() });
}

/** "a.example, b.example" or ["a.example", "b.example"] (Smart ID: DNS entries comma-separated). */
export const nameList = z
  .union([z.string().max(10_000), z.array(z.string().max(253)).max(100)])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export const errorBody = z.object({
  code: z.enum([...Object.keys(coreErrorCodes), ...Object.keys(httpErrorCodes)] as [string, ...string[]]),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
});

const date = z.string().describe('ISO 8601 date-time');
const protocol = z.enum(['acme', 'scep', 'p10', 'p12']);
const requestStatus = z.enum(['pending', 'approved', 'rejected', 'issued', 'failed', 'expired']);
export const requestKind = z
  .enum(['certificate', 'account'])
  .describe('certificate, or account: an ACME account waiting to be allowed to order');
export { protocol, requestStatus };

export const keyPolicy = z.object({
  algorithms: z.array(z.enum(['rsa', 'ec', 'ed25519'])).min(1),
  minRsaBits: z.number().int().min(1024).max(16384),
  ecCurves: z.array(z.enum(['P-256', 'P-384', 'P-521'])),
  generate: z.enum(['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096']),
});
export const domainPolicy = z.object({
  allowedSuffixes: z.array(z.string().min(1).max(253)).max(200),
  allowWildcards: z.boolean(),
  allowIpAddresses: z.boolean(),
});
export const approvalPolicy = z.object({
  required: z.boolean(),
  approvers: z.number().int().min(1).max(10),
  pendingTtlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365),
  decisionWindowHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .optional(),
});
export const codePolicy = z.object({
  ttlHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 365),
  maxAttempts: z.number().int().min(1).max(100),
});
const keyUsage = z.enum([
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
]);

/** `scep` profile settings (src/core/profiles/profile.ts ScepSettings); a partial group merges onto the profile's. */
const scepSettings = z
  .object({
    includeChain: z.boolean(),
    allowDes: z.boolean(),
    allowKeyReuse: z.boolean(),
    capabilities: z.array(z.string().min(1).max(32)).max(32),
    mapUnstructuredNames: z.boolean(),
    caCertFormat: z.enum(['auto', 'ra-chain', 'ra-only']),
    maxClockSkewMinutes: z.number().int().min(1).max(525_600).nullable(),
  })
  .partial()
  .strict();

/** `acme` profile settings (AcmeSettings); a partial group merges onto the profile's. */
const acmeSettings = z
  .object({
    externalAccountRequired: z.boolean(),
    accountApprovalRequired: z.boolean(),
    caaCheck: z.boolean(),
  })
  .partial()
  .strict();

/** The settings an admin may set; unknown keys in the ACME and SCEP groups are refused, not stored. */
export const profileSettings = z.object({
  description: z.string().max(2000),
  keyPolicy,
  validityDays: z.number().int().min(1).max(3650),
  keyUsage: z.array(keyUsage),
  extendedKeyUsage: z.array(z.string().regex(/^\d+(\.\d+)+$/)),
  domainPolicy,
  approval: approvalPolicy,
  protocols: z.array(protocol),
  codePolicy,
  pkcs12Encryption: z.enum(['aes-256', 'legacy-3des']),
  scep: scepSettings,
  acme: acmeSettings,
});

/**
 * What creating or editing a profile accepts: every setting optional, every group partial (the core
 * merges it onto the defaults or onto the profile), and an unknown key refused at any depth, so that
 * a misspelt setting is an error rather than a profile without it.
 */
export const profileSettingsInput = profileSettings
  .extend({
    keyPolicy: keyPolicy.partial().strict(),
    domainPolicy: domainPolicy.partial().strict(),
    approval: approvalPolicy.partial().strict(),
    codePolicy: codePolicy.partial().strict(),
  })
  .partial()
  .strict();

export const profileView = profileSettings.extend({
  id: z.string(),
  name: z.string(),
  status: z.enum(['draft', 'active', 'disabled']),
  createdAt: date,
  updatedAt: date,
});

export const assetView = z.object({
  id: z.string(),
  name: z.string(),
  dnsNames: z.array(z.string()),
  owner: z.string().nullable(),
  notifyEmail: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
  status: z.enum(['active', 'inactive']),
  createdAt: date,
  updatedAt: date,
});

export const requestView = z.object({
  id: z.string(),
  kind: requestKind,
  protocol,
  profileId: z.string(),
  assetId: z.string().nullable(),
  requester: z.string(),
  subject: z.string(),
  dnsNames: z.array(z.string()),
  ipAddresses: z.array(z.string()),
  status: requestStatus,
  requiredApprovals: z.number(),
  reason: z.string().nullable(),
  certificateSerial: z.string().nullable(),
  externalRef: z.string().nullable(),
  createdAt: date,
  updatedAt: date,
  expiresAt: date.nullable(),
  attempts: z
    .object({ count: z.number().int().min(1), lastAt: date })
    .describe('Submissions this request stands for: an ACME client that ordered again while it waited'),
  decidedAt: date.nullable().describe('When it was approved or rejected'),
  coveredBy: z
    .string()
    .nullable()
    .describe("The request whose approval, within the profile's decision window, issued this one"),
});

export const certificateView = z.object({
  serialNumber: z.string(),
  requestId: z.string().nullable(),
  profileId: z.string().nullable(),
  assetId: z.string().nullable(),
  subject: z.string(),
  dnsNames: z.array(z.string()),
  ipAddresses: z.array(z.string()),
  notBefore: date,
  notAfter: date,
  status: z.enum(['valid', 'revoked']),
  revokedAt: date.nullable(),
  revocationReason: z.number().nullable(),
  purpose: z
    .enum(['enrollment', 'gateway-tls'])
    .describe("gateway-tls: the gateway's own HTTPS listener certificate, issued at start and reused"),
  createdAt: date,
});

export const codeView = z.object({
  id: z.string(),
  profileId: z.string(),
  assetId: z.string().nullable(),
  purpose: z.enum(['scep-challenge', 'acme-eab', 'self-service']),
  showable: z.boolean(),
  singleUse: z.boolean(),
  expiresAt: date.nullable(),
  maxAttempts: z.number(),
  failedAttempts: z.number(),
  status: z.enum(['active', 'locked', 'revoked', 'used']),
  expired: z.boolean(),
  createdAt: date,
  updatedAt: date,
});

export const noteView = z.object({
  id: z.string(),
  requestId: z.string(),
  author: z.string(),
  text: z.string(),
  createdAt: date,
});

export const auditView = z.object({
  seq: z.number(),
  at: date,
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  data: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});

export const findingView = z.object({
  policy: z.enum(['key', 'domain']),
  rule: z.string(),
  subject: z.string(),
  message: z.string(),
});

export const approvalView = z.object({
  approver: z.string(),
  decision: z.enum(['approve', 'reject']),
  comment: z.string().nullable(),
  createdAt: date,
});

/** What a submission answers: issued, pending, or (dryRun) what would happen. */
export const enrollmentResult = z.object({
  outcome: z.enum(['issued', 'pending', 'dry-run']),
  request: requestView.optional(),
  approvalsNeeded: z.number().optional(),
  certificate: z.object({ serialNumber: z.string(), notAfter: date, pem: z.string() }).optional(),
  downloads: z.record(z.string(), z.string()).optional(),
  wouldBe: z.enum(['issued', 'pending', 'rejected']).optional(),
  findings: z.array(findingView).optional(),
  names: z
    .object({ subject: z.string(), dnsNames: z.array(z.string()), ipAddresses: z.array(z.string()) })
    .optional(),
});
