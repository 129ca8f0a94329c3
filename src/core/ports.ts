/**
 * What the core needs from storage, declared here by the consumer (step-ca's acme.DB). `src/store`
 * implements these with knex; the core never sees a row or a driver error, only domain objects and
 * CoreError (`conflict` for a unique violation, `store_unavailable` for a lost connection).
 */
import type { Asset } from './assets/asset.js';
import type { AuditEvent } from './audit/event.js';
import type { CertificateRecord } from './certificates/certificate.js';
import type { EnrollmentCode } from './codes/code.js';
import type { Approval, EnrollmentRequest, RequestStatus } from './enrollment/request.js';
import type { Profile, ProfileStatus } from './profiles/profile.js';
import type { ApiToken } from './tokens/token.js';
import type { RevocationReason } from '../../ca/types.js';

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page, null on the last one. */
  next: string | null;
}

export interface ListOptions {
  limit?: number;
  cursor?: string | null;
}

export interface ProfileRepository {
  create(profile: Profile): Promise<void>;
  /** Replaces every field but id and createdAt. */
  update(profile: Profile): Promise<void>;
  get(id: string): Promise<Profile | null>;
  getByName(name: string): Promise<Profile | null>;
  list(filter?: { status?: ProfileStatus } & ListOptions): Promise<Page<Profile>>;
}

export interface AssetRepository {
  create(asset: Asset): Promise<void>;
  update(asset: Asset): Promise<void>;
  get(id: string): Promise<Asset | null>;
  list(filter?: { search?: string; status?: Asset['status'] } & ListOptions): Promise<Page<Asset>>;
}

export interface RequestRepository {
  create(request: EnrollmentRequest): Promise<void>;
  get(id: string): Promise<EnrollmentRequest | null>;
  /** Inside a transaction on PostgreSQL, takes a row lock (SELECT … FOR UPDATE). */
  getForUpdate(id: string): Promise<EnrollmentRequest | null>;
  findByExternalRef(
    protocol: EnrollmentRequest['protocol'],
    externalRef: string,
  ): Promise<EnrollmentRequest | null>;
  /**
   * Compare-and-set: applies the patch only while the request is still in `from`. Returns whether
   * it did, so that two racing deciders produce exactly one transition.
   */
  transition(
    id: string,
    from: RequestStatus,
    patch: Pick<EnrollmentRequest, 'status' | 'updatedAt'> &
      Partial<Pick<EnrollmentRequest, 'reason' | 'certificateSerial'>>,
  ): Promise<boolean>;
  list(
    filter?: {
      status?: RequestStatus;
      profileId?: string;
      assetId?: string;
      requester?: string;
    } & ListOptions,
  ): Promise<Page<EnrollmentRequest>>;
  /** Pending requests whose expiresAt is before `now`. */
  listExpired(now: Date, limit: number): Promise<EnrollmentRequest[]>;
}

export interface ApprovalRepository {
  /** Throws CoreError('conflict') when this approver already decided on this request. */
  add(approval: Approval): Promise<void>;
  listFor(requestId: string): Promise<Approval[]>;
}

export interface CertificateRepository {
  insert(certificate: CertificateRecord): Promise<void>;
  get(serialNumber: string): Promise<CertificateRecord | null>;
  /** Compare-and-set from valid to revoked; false when it was already revoked or is unknown. */
  markRevoked(serialNumber: string, revokedAt: Date, reason: RevocationReason): Promise<boolean>;
  list(
    filter?: { profileId?: string; assetId?: string; status?: CertificateRecord['status'] } & ListOptions,
  ): Promise<Page<CertificateRecord>>;
}

export interface CodeRepository {
  create(code: EnrollmentCode): Promise<void>;
  get(id: string): Promise<EnrollmentCode | null>;
  findByHash(profileId: string, secretHash: string): Promise<EnrollmentCode | null>;
  /**
   * Atomically counts one failed attempt and locks the code when it reaches maxAttempts;
   * returns the code as it is afterwards.
   */
  recordFailure(id: string, at: Date): Promise<EnrollmentCode>;
  /** Compare-and-set of the status (used, locked → active, revoked …); false when `from` no longer holds. */
  setStatus(
    id: string,
    from: EnrollmentCode['status'],
    patch: {
      status: EnrollmentCode['status'];
      updatedAt: Date;
      failedAttempts?: number;
      expiresAt?: Date | null;
    },
  ): Promise<boolean>;
  list(filter?: { profileId?: string; assetId?: string } & ListOptions): Promise<Page<EnrollmentCode>>;
}

export interface AuditRepository {
  /**
   * The last event, read under a lock that holds until the transaction ends, so that appends from
   * every instance sharing the database form one chain. Null when the log is empty.
   */
  tailForAppend(): Promise<Pick<AuditEvent, 'seq' | 'hash'> | null>;
  insert(event: AuditEvent): Promise<void>;
  /** Events in seq order, from `afterSeq` (exclusive). */
  list(filter?: AuditFilter): Promise<AuditEvent[]>;
}

export interface AuditFilter {
  afterSeq?: number;
  limit?: number;
  targetType?: string;
  targetId?: string;
  actor?: string;
  /** Inclusive. */
  from?: Date;
  /** Inclusive. */
  to?: Date;
}

export interface TokenRepository {
  create(token: ApiToken): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  touch(id: string, at: Date): Promise<void>;
  count(): Promise<number>;
}

export interface Repositories {
  profiles: ProfileRepository;
  assets: AssetRepository;
  requests: RequestRepository;
  approvals: ApprovalRepository;
  certificates: CertificateRepository;
  codes: CodeRepository;
  audit: AuditRepository;
  tokens: TokenRepository;
}

export interface Store extends Repositories {
  /** Runs `work` in one database transaction; a throw rolls every write back. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
