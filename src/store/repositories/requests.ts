import type { EnrollmentRequest, RequestKind, RequestStatus } from '../../core/enrollment/request.js';
import type { ListOptions, Page, RequestAttempt, RequestRepository } from '../../core/ports.js';
import type { Protocol } from '../../core/profiles/profile.js';
import type { Dialect } from '../db.js';
import {
  fromJson,
  insertOrConflict,
  keysetPage,
  pageSize,
  toDate,
  toDateOrNull,
  toJson,
  toNumber,
} from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface RequestRow {
  id: string;
  kind: RequestKind;
  protocol: Protocol;
  profile_id: string;
  asset_id: string | null;
  requester: string;
  subject: string;
  dns_names: string;
  ip_addresses: string;
  csr_pem: string;
  csr_sha256: string;
  signer_key_sha256: string | null;
  status: RequestStatus;
  required_approvals: number | string;
  reason: string | null;
  certificate_serial: string | null;
  external_ref: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  expires_at: DbTimestamp | null;
  approval_key: string | null;
  attempts: number | string;
  last_attempt_at: DbTimestamp | null;
  decided_at: DbTimestamp | null;
  covered_by: string | null;
}

export function toRow(request: EnrollmentRequest): RequestRow {
  return {
    id: request.id,
    kind: request.kind,
    protocol: request.protocol,
    profile_id: request.profileId,
    asset_id: request.assetId,
    requester: request.requester,
    subject: request.subject,
    dns_names: toJson(request.dnsNames),
    ip_addresses: toJson(request.ipAddresses),
    csr_pem: request.csrPem,
    csr_sha256: request.csrSha256,
    signer_key_sha256: request.signerKeySha256,
    status: request.status,
    required_approvals: request.requiredApprovals,
    reason: request.reason,
    certificate_serial: request.certificateSerial,
    external_ref: request.externalRef,
    created_at: request.createdAt,
    updated_at: request.updatedAt,
    expires_at: request.expiresAt,
    approval_key: request.approvalKey,
    attempts: request.attempts,
    last_attempt_at: request.lastAttemptAt,
    decided_at: request.decidedAt,
    covered_by: request.coveredBy,
  };
}

export function toDomain(row: RequestRow): EnrollmentRequest {
  return {
    id: row.id,
    kind: row.kind,
    protocol: row.protocol,
    profileId: row.profile_id,
    assetId: row.asset_id,
    requester: row.requester,
    subject: row.subject,
    dnsNames: fromJson<string[]>(row.dns_names),
    ipAddresses: fromJson<string[]>(row.ip_addresses),
    csrPem: row.csr_pem,
    csrSha256: row.csr_sha256,
    signerKeySha256: row.signer_key_sha256 ?? null,
    status: row.status,
    requiredApprovals: toNumber(row.required_approvals),
    reason: row.reason,
    certificateSerial: row.certificate_serial,
    externalRef: row.external_ref,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    expiresAt: toDateOrNull(row.expires_at),
    approvalKey: row.approval_key,
    attempts: toNumber(row.attempts),
    lastAttemptAt: toDate(row.last_attempt_at ?? row.created_at),
    decidedAt: toDateOrNull(row.decided_at),
    coveredBy: row.covered_by,
  };
}

export const table = 'enrollment_requests';

export class KnexRequestRepository implements RequestRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  async create(request: EnrollmentRequest): Promise<void> {
    await insertOrConflict(
      this.db,
      table,
      toRow(request),
      'id',
      'A request with this id or external reference',
    );
  }

  async get(id: string): Promise<EnrollmentRequest | null> {
    const row = (await this.db(table).where({ id }).first()) as RequestRow | undefined;
    return row ? toDomain(row) : null;
  }

  /** SELECT … FOR UPDATE on PostgreSQL; SQLite has no row locks and needs none (one connection). */
  async getForUpdate(id: string): Promise<EnrollmentRequest | null> {
    const query = this.db(table).where({ id }).first();
    if (this.dialect === 'postgres') query.forUpdate();
    const row = (await query) as RequestRow | undefined;
    return row ? toDomain(row) : null;
  }

  async findByExternalRef(protocol: Protocol, externalRef: string): Promise<EnrollmentRequest | null> {
    const row = (await this.db(table).where({ protocol, external_ref: externalRef }).first()) as
      RequestRow | undefined;
    return row ? toDomain(row) : null;
  }

  async transition(
    id: string,
    from: RequestStatus,
    patch: Pick<EnrollmentRequest, 'status' | 'updatedAt'> &
      Partial<Pick<EnrollmentRequest, 'reason' | 'certificateSerial' | 'decidedAt'>>,
  ): Promise<boolean> {
    const changes: Partial<RequestRow> = { status: patch.status, updated_at: patch.updatedAt };
    if (patch.reason !== undefined) changes.reason = patch.reason;
    if (patch.certificateSerial !== undefined) changes.certificate_serial = patch.certificateSerial;
    if (patch.decidedAt !== undefined) changes.decided_at = patch.decidedAt;
    const changed = await this.db(table).where({ id, status: from }).update(changes);
    return changed === 1;
  }

  /** SELECT … FOR UPDATE on PostgreSQL, like getForUpdate: an attempt and a decision take turns. */
  async findPendingByApprovalKey(approvalKey: string): Promise<EnrollmentRequest | null> {
    const query = this.db(table).where({ approval_key: approvalKey, status: 'pending' }).first();
    if (this.dialect === 'postgres') query.forUpdate();
    const row = (await query) as RequestRow | undefined;
    return row ? toDomain(row) : null;
  }

  async latestDecision(approvalKey: string, since: Date): Promise<EnrollmentRequest | null> {
    const row = (await this.db(table)
      .where({ approval_key: approvalKey })
      .where('decided_at', '>=', since)
      .orderBy([
        { column: 'decided_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first()) as RequestRow | undefined;
    return row ? toDomain(row) : null;
  }

  async addAttempt(id: string, from: RequestStatus, attempt: RequestAttempt): Promise<boolean> {
    const changes: Record<string, unknown> = {
      attempts: this.db.raw('attempts + 1'),
      last_attempt_at: attempt.at,
    };
    if (attempt.replace) {
      changes.subject = attempt.replace.subject;
      changes.csr_pem = attempt.replace.csrPem;
      changes.csr_sha256 = attempt.replace.csrSha256;
      changes.external_ref = attempt.replace.externalRef;
      changes.updated_at = attempt.at;
    }
    const changed = await this.db(table).where({ id, status: from }).update(changes);
    return changed === 1;
  }

  async list(
    filter: {
      status?: RequestStatus;
      kind?: RequestKind;
      profileId?: string;
      assetId?: string;
      requester?: string;
    } & ListOptions = {},
  ): Promise<Page<EnrollmentRequest>> {
    const query = this.db(table).select('*');
    if (filter.status) query.where({ status: filter.status });
    if (filter.kind) query.where({ kind: filter.kind });
    if (filter.profileId) query.where({ profile_id: filter.profileId });
    if (filter.assetId) query.where({ asset_id: filter.assetId });
    if (filter.requester) query.where({ requester: filter.requester });
    return keysetPage<RequestRow, EnrollmentRequest>(
      query,
      { time: 'created_at', key: 'id' },
      filter,
      toDomain,
    );
  }

  async listExpired(now: Date, limit: number): Promise<EnrollmentRequest[]> {
    const rows = (await this.db(table)
      .where({ status: 'pending' })
      .whereNotNull('expires_at')
      .where('expires_at', '<', now)
      .orderBy(['expires_at', 'id'])
      .limit(pageSize(limit))) as RequestRow[];
    return rows.map(toDomain);
  }
}
