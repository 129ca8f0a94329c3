import { randomUUID } from 'node:crypto';
import type { CertificateAuthority } from '../../../ca/types.js';
import { appendAudit } from '../audit/audit-log.js';
import type { NewAuditEvent } from '../audit/event.js';
import { parseCsr, type ParsedCsr } from '../csr/parse.js';
import { toPem } from '../../../ca/pki/pem.js';
import { CoreError, isCoreError } from '../errors.js';
import { approvalKeyOf, type ApprovalKeyParts } from '../approval/approval-key.js';
import { meetEarlierAttempts } from '../approval/retries.js';
import { checkDomainPolicy, isDnsName } from '../policy/domain-policy.js';
import type { PolicyFinding } from '../policy/finding.js';
import { checkKeyPolicy } from '../policy/key-policy.js';
import { assertCsrNameText, assertNameText, assertSubjectText } from '../policy/name-text.js';
import type { Clock, Store } from '../ports.js';
import type { Profile, Protocol } from '../profiles/profile.js';
import { issueImmediately, type Issued } from './issue.js';
import type { EnrollmentRequest } from './request.js';

export interface SubmitInput {
  protocol: Protocol;
  /** Profile id or name, or the profile a face has just loaded for this request (spares a query). */
  profile: string | Profile;
  assetId?: string | null;
  requester: string;
  /** PKCS#10, DER or PEM. */
  csr: Uint8Array | string;
  /** `parseCsr(csr)` when the face has already parsed it (ACME finalize): spares a second parse. */
  parsedCsr?: ParsedCsr;
  /** Overrides of what the CSR asks for (an operator editing the request within the profile's rules). */
  subject?: string;
  dnsNames?: string[];
  ipAddresses?: string[];
  externalRef?: string | null;
  /** See EnrollmentRequest.signerKeySha256. */
  signerKeySha256?: string | null;
  /**
   * What makes a retry of this request the same question to the approvers (ACME: the account and
   * the order's identifiers). With it, a retry joins the pending request, and a decision answers
   * retries for the profile's `approval.decisionWindowHours` (see approval/retries.ts).
   */
  approvalKey?: ApprovalKeyParts;
  dryRun?: boolean;
}

export type SubmitResult =
  | ({ outcome: 'issued' } & Issued)
  | {
      outcome: 'pending';
      request: EnrollmentRequest;
      approvalsNeeded: number;
      /** The protocol handle of the earlier attempt this one took over from, when it joined one. */
      supersededRef?: string | null;
    }
  | { outcome: 'rejected'; request: EnrollmentRequest | null; findings: PolicyFinding[]; error: CoreError }
  | {
      outcome: 'dry-run';
      wouldBe: 'issued' | 'pending' | 'rejected';
      approvalsNeeded: number;
      findings: PolicyFinding[];
      names: { subject: string; dnsNames: string[]; ipAddresses: string[] };
    };

export interface SubmitDeps {
  store: Store;
  ca: CertificateAuthority;
  clock: Clock;
}

export async function resolveProfile(store: Store, idOrName: string): Promise<Profile> {
  const profile = await store.profiles.find(idOrName);
  if (!profile) throw new CoreError('not_found', `No certificate profile "${idOrName}"`);
  return profile;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * The names a request is for: the operator's edits, else the CSR's SANs; a CSR with no SAN but a
 * host-name CN (common for SCEP devices) asks for that name.
 */
function requestedNames(
  input: SubmitInput,
  csr: ParsedCsr,
): { subject: string; dnsNames: string[]; ipAddresses: string[] } {
  let dnsNames = unique((input.dnsNames ?? csr.dnsNames).map((n) => n.trim().toLowerCase()).filter(Boolean));
  const ipAddresses = unique((input.ipAddresses ?? csr.ipAddresses).map((n) => n.trim()).filter(Boolean));
  const cn = csr.commonName?.toLowerCase();
  if (
    dnsNames.length === 0 &&
    ipAddresses.length === 0 &&
    cn &&
    isDnsName(cn.replace(/^\*\./, '')) &&
    cn.includes('.')
  ) {
    dnsNames = [cn];
  }
  return { subject: input.subject ?? csr.subject, dnsNames, ipAddresses };
}

/**
 * Before any policy sees a name: the operator's edits (named as the caller wrote them; a P12 CSR is
 * built from them), then what the CSR itself asks for.
 */
function assertNameTexts(input: SubmitInput, csr: ParsedCsr): void {
  if (input.subject !== undefined) assertSubjectText('subject', input.subject);
  input.dnsNames?.forEach((name, i) => assertNameText(`dnsNames[${i}]`, name));
  input.ipAddresses?.forEach((name, i) => assertNameText(`ipAddresses[${i}]`, name));
  assertCsrNameText(csr);
}

function refusal(findings: PolicyFinding[]): CoreError {
  const first = findings[0];
  return new CoreError(first?.policy === 'key' ? 'key_policy' : 'domain_policy', first?.message, {
    details: { rule: first?.rule, name: first?.subject, findings },
  });
}

/**
 * The one entry point of every face: profile active and open to this protocol? CSR sound? names and
 * key within policy? then either issue now or wait in the approval queue.
 */
export async function submit(deps: SubmitDeps, input: SubmitInput): Promise<SubmitResult> {
  const profile =
    typeof input.profile === 'string' ? await resolveProfile(deps.store, input.profile) : input.profile;
  if (profile.status !== 'active')
    throw new CoreError('profile_not_active', `Profile "${profile.name}" is ${profile.status}`);
  if (!profile.protocols.includes(input.protocol)) {
    throw new CoreError('protocol_not_allowed', `Profile "${profile.name}" does not allow ${input.protocol}`);
  }
  if (input.assetId) {
    const asset = await deps.store.assets.get(input.assetId);
    if (!asset) throw new CoreError('not_found', `No asset "${input.assetId}"`);
    if (asset.status !== 'active') throw new CoreError('invalid_state', `Asset "${asset.name}" is inactive`);
  }
  const csr = input.parsedCsr ?? parseCsr(input.csr);
  if (!csr.signatureValid) throw new CoreError('bad_csr', 'The CSR signature does not verify');
  assertNameTexts(input, csr);
  const names = requestedNames(input, csr);
  if (names.dnsNames.length === 0 && names.ipAddresses.length === 0 && !names.subject) {
    throw new CoreError('invalid_input', 'The request names no subject and no subject alternative name');
  }
  const findings = [
    ...checkKeyPolicy(profile.keyPolicy, csr.publicKey),
    ...checkDomainPolicy(profile.domainPolicy, names),
  ];
  const approvalsNeeded = profile.approval.required ? Math.max(1, profile.approval.approvers) : 0;

  if (input.dryRun) {
    const wouldBe = findings.length > 0 ? 'rejected' : approvalsNeeded > 0 ? 'pending' : 'issued';
    return { outcome: 'dry-run', wouldBe, approvalsNeeded, findings, names };
  }

  // A refused request is kept, rejected, with the rule that refused it: the queue and the audit log
  // show it. Status and reason are final at insert, as if it had left `pending` at once.
  const refused = findings.length > 0 ? refusal(findings) : null;
  const status: EnrollmentRequest['status'] = refused
    ? 'rejected'
    : approvalsNeeded > 0
      ? 'pending'
      : 'approved';
  const now = deps.clock.now();
  const request: EnrollmentRequest = {
    id: randomUUID(),
    kind: 'certificate',
    protocol: input.protocol,
    profileId: profile.id,
    assetId: input.assetId ?? null,
    requester: input.requester,
    subject: names.subject,
    dnsNames: names.dnsNames,
    ipAddresses: names.ipAddresses,
    csrPem: toPem(csr.der, 'CERTIFICATE REQUEST'),
    csrSha256: csr.sha256,
    signerKeySha256: input.signerKeySha256 ?? null,
    status,
    requiredApprovals: approvalsNeeded,
    reason: refused?.message ?? null,
    certificateSerial: null,
    externalRef: input.externalRef ?? null,
    createdAt: now,
    updatedAt: now,
    expiresAt:
      approvalsNeeded > 0 ? new Date(now.getTime() + profile.approval.pendingTtlHours * 3_600_000) : null,
    approvalKey: input.approvalKey ? approvalKeyOf(input.protocol, profile.id, input.approvalKey) : null,
    attempts: 1,
    lastAttemptAt: now,
    decidedAt: null,
    coveredBy: null,
  };
  // A retry of a request that waits for, or already has, a decision.
  const earlier = status === 'pending' ? await meetEarlierAttempts(deps, profile, request) : null;
  if (earlier) return earlier;

  const accepted: NewAuditEvent = {
    actor: input.requester,
    action: `request.${status === 'approved' ? 'auto-approved' : refused ? 'refused' : 'submitted'}`,
    targetType: 'request',
    targetId: request.id,
    data: {
      protocol: request.protocol,
      profileId: profile.id,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      ...(findings.length > 0 ? { findings } : {}),
    },
  };
  // Nothing to wait for: sign first, then record request, certificate and events in one transaction.
  if (status === 'approved') {
    return { outcome: 'issued', ...(await issueImmediately(deps, request, profile, accepted)) };
  }

  try {
    await deps.store.appendTransaction(async (tx) => {
      await tx.requests.create(request);
      await appendAudit(tx, deps.clock, accepted);
    });
  } catch (err) {
    // Two retries raced to open the key's one pending entry: the loser joins the winner's.
    const joined =
      request.approvalKey && isCoreError(err, 'conflict')
        ? await meetEarlierAttempts(deps, profile, request)
        : null;
    if (joined) return joined;
    throw err;
  }
  if (refused) return { outcome: 'rejected', request, findings, error: refused };
  return { outcome: 'pending', request, approvalsNeeded };
}
