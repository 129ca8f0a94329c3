/**
 * What the core needs from storage, declared here by the consumer (step-ca's acme.DB). `src/store`
 * implements these with knex; the core never sees a row or a driver error, only domain objects and
 * CoreError (`conflict` for a unique violation, `store_unavailable` for a lost connection).
 */
import type { Asset } from './assets/asset.js';
import type { AuditEvent } from './audit/event.js';
import type { CertificateRecord } from './certificates/certificate.js';
import type { GatewayTlsCredential } from './certificates/gateway-tls.js';
import type { EnrollmentCode } from './codes/code.js';
import type { Approval, EnrollmentRequest, RequestKind, RequestStatus } from './enrollment/request.js';
import type { Profile, ProfileStatus } from './profiles/profile.js';
import type { ApiToken } from './tokens/token.js';
import type { RequestNote } from './notes/note.js';
import type { QueueStateRecord } from './queue/queue-state.js';
import type { P12Delivery } from './p12/delivery.js';
import type { Principal } from './principals/principal.js';
import type { OutboxDelivery, OutboxEvent, DeliveryStatus } from './notifications/outbox.js';
import type { Role } from './tokens/token.js';
import type { Protocol } from './profiles/profile.js';
import type { RevocationReason } from '../../ca/types.js';
import type { ConsoleUser } from './console-users/console-user.js';
import type { ConsoleSession, SessionEndReason } from './sessions/session.js';

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
  /** The profile whose id, else whose name, is `idOrName`, in one query; null when neither. */
  find(idOrName: string): Promise<Profile | null>;
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
      Partial<Pick<EnrollmentRequest, 'reason' | 'certificateSerial' | 'decidedAt'>>,
  ): Promise<boolean>;
  /** The pending request with this approval key (at most one); inside a transaction, row-locked. */
  findPendingByApprovalKey(approvalKey: string): Promise<EnrollmentRequest | null>;
  /** The request with this approval key decided most recently, at `since` or later; null when none. */
  latestDecision(approvalKey: string, since: Date): Promise<EnrollmentRequest | null>;
  /**
   * Compare-and-set on the status: counts one more attempt and, with `replace`, makes the attempt's
   * CSR and protocol handle the request's. False when the request is no longer in `from`.
   */
  addAttempt(id: string, from: RequestStatus, attempt: RequestAttempt): Promise<boolean>;
  list(
    filter?: {
      status?: RequestStatus;
      kind?: RequestKind;
      profileId?: string;
      assetId?: string;
      requester?: string;
    } & ListOptions,
  ): Promise<Page<EnrollmentRequest>>;
  /** Pending requests whose expiresAt is before `now`. */
  listExpired(now: Date, limit: number): Promise<EnrollmentRequest[]>;
}

/** One more submission of a request that is already in the queue or decided. */
export interface RequestAttempt {
  at: Date;
  /** The newest attempt's CSR and protocol handle; absent when the attempt only counts. */
  replace?: Pick<EnrollmentRequest, 'subject' | 'csrPem' | 'csrSha256' | 'externalRef'>;
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
  /** Several events in one statement: all or none (a seq already taken is CoreError('conflict')). */
  insertMany(events: readonly AuditEvent[]): Promise<void>;
  /**
   * Events in seq order, from `afterSeq` (exclusive). At most `limit`, and possibly fewer even when
   * more follow (a store caps its pages): a reader walking the log stops at an empty result only.
   */
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

// ---- Admin surface ports (issue 5) ----

/** Internal notes on a request, oldest first. */
export interface NoteRepository {
  add(note: RequestNote): Promise<void>;
  list(requestId: string, options?: ListOptions): Promise<Page<RequestNote>>;
}

/** The approvers' label of a pending request; absent means "new". */
export interface QueueStateRepository {
  get(requestId: string): Promise<QueueStateRecord | null>;
  set(record: QueueStateRecord): Promise<void>;
}

export interface P12DeliveryRepository {
  create(delivery: P12Delivery): Promise<void>;
  get(requestId: string): Promise<P12Delivery | null>;
  /**
   * Compare-and-set: erases the sealed key and records the download, only while the key is still
   * there. Returns the sealed key it erased, or null when someone else already took it.
   */
  takeKey(requestId: string, at: Date): Promise<string | null>;
  /** Records the installation once; false when already confirmed. */
  markInstalled(requestId: string, at: Date, by: string): Promise<boolean>;
  /** Erases every sealed key whose expiry is before `now`; returns the request ids. */
  purgeExpired(now: Date): Promise<string[]>;
}

export interface PrincipalRepository {
  upsert(principal: Principal): Promise<void>;
  get(subject: string): Promise<Principal | null>;
  listByRole(roles: readonly Role[]): Promise<Principal[]>;
}

export interface OutboxRepository {
  /** Writes an event; false (and nothing written) when its dedupeKey was already used. */
  enqueue(event: OutboxEvent): Promise<boolean>;
  /** Events not yet fanned out, oldest first. */
  unexpanded(limit: number): Promise<OutboxEvent[]>;
  getEvent(id: string): Promise<OutboxEvent | null>;
  /** Compare-and-set expanded false → true; false when another worker did it. */
  markExpanded(id: string): Promise<boolean>;
  /** The same for many events in one statement; the number this call moved. */
  markAllExpanded(ids: readonly string[]): Promise<number>;
  addDelivery(delivery: OutboxDelivery): Promise<void>;
  /** Pending deliveries whose next attempt is due. */
  due(now: Date, limit: number): Promise<OutboxDelivery[]>;
  /** Records one attempt (compare-and-set on the attempt count, so two workers never both send). */
  recordAttempt(
    id: string,
    fromAttempts: number,
    patch: { status: DeliveryStatus; nextAttemptAt: Date; lastError: string | null; sentAt: Date | null },
  ): Promise<boolean>;
  /** Claims a due delivery for `until` by pushing its next attempt; false when another worker has it. */
  claim(id: string, fromAttempts: number, until: Date): Promise<boolean>;
  listDeliveries(
    filter?: { status?: DeliveryStatus; eventId?: string } & ListOptions,
  ): Promise<Page<OutboxDelivery>>;
  /** Deletes up to `limit` sent or dead deliveries created before `before`; returns how many. */
  purgeFinishedDeliveries(before: Date, limit: number): Promise<number>;
  /**
   * Deletes up to `limit` events created before `before` that are fanned out and have no delivery
   * left; returns how many. Events with a dedupe key are kept (at most one per certificate), so a
   * certificate is never warned of twice.
   */
  purgeDeliveredEvents(before: Date, limit: number): Promise<number>;
}

/**
 * The gateway's own HTTPS credential (one per database, shared by every instance): the serial of
 * its certificate in the inventory, the names it was issued for, and its key sealed.
 */
export interface GatewayTlsRepository {
  /**
   * Takes the credential's lock until the transaction ends, so that instances starting together
   * decide one after the other whether to reuse it or issue a new one.
   */
  lock(): Promise<void>;
  get(): Promise<GatewayTlsCredential | null>;
  /** Replaces the stored credential. */
  save(credential: GatewayTlsCredential): Promise<void>;
}

export type SortOrder = 'asc' | 'desc';

/** Keyset pagination over a sort field the admin API names; ties broken by the primary key. */
export interface SearchOptions<Field extends string> extends ListOptions {
  sort?: Field;
  order?: SortOrder;
}

export interface RequestSearch extends SearchOptions<'createdAt' | 'updatedAt'> {
  status?: RequestStatus[];
  kind?: RequestKind;
  protocol?: Protocol;
  profileId?: string;
  assetId?: string;
  requester?: string;
  /** Substring of the subject or a DNS name. */
  q?: string;
  /** Pending requests this approver may still decide: not theirs, not yet decided by them. */
  waitingFor?: string;
  createdFrom?: Date;
  createdTo?: Date;
}

export interface CertificateSearch extends SearchOptions<'createdAt' | 'notAfter'> {
  q?: string;
  /** Hex prefix, case-insensitive. */
  serial?: string;
  assetId?: string;
  profileId?: string;
  requestId?: string;
  status?: CertificateRecord['status'];
  purpose?: CertificateRecord['purpose'];
  expiresBefore?: Date;
  expiresAfter?: Date;
}

export interface AssetSearch extends SearchOptions<'createdAt' | 'name'> {
  q?: string;
  status?: Asset['status'];
  owner?: string;
}

export interface ProfileSearch extends SearchOptions<'createdAt' | 'name'> {
  q?: string;
  status?: ProfileStatus;
  protocol?: Protocol;
}

export interface CodeSearch extends SearchOptions<'createdAt'> {
  profileId?: string;
  assetId?: string;
  status?: EnrollmentCode['status'];
  purpose?: EnrollmentCode['purpose'];
}

export interface AuditSearch extends SearchOptions<'seq'> {
  /** Events of the request, of its certificate, notes and P12 delivery. */
  requestId?: string;
  /** Events of the asset and of its requests, certificates and codes. */
  assetId?: string;
  /** Events of the profile and of its requests, certificates and codes. */
  profileId?: string;
  actor?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
}

/** The admin API's searches: filters, sort and keyset cursors over every list. */
export interface SearchRepository {
  requests(filter: RequestSearch): Promise<Page<EnrollmentRequest>>;
  certificates(filter: CertificateSearch): Promise<Page<CertificateRecord>>;
  assets(filter: AssetSearch): Promise<Page<Asset>>;
  profiles(filter: ProfileSearch): Promise<Page<Profile>>;
  codes(filter: CodeSearch): Promise<Page<EnrollmentCode>>;
  audit(filter: AuditSearch): Promise<Page<AuditEvent>>;
}

/** Console users; the user name key is unique (a second create is CoreError('conflict')). */
export interface ConsoleUserRepository {
  create(user: ConsoleUser): Promise<void>;
  /** Replaces username, role, email, passwordHash, disabled, lockout fields and updatedAt. */
  update(user: ConsoleUser): Promise<void>;
  get(id: string): Promise<ConsoleUser | null>;
  findByUsernameKey(usernameKey: string): Promise<ConsoleUser | null>;
  list(options?: ListOptions): Promise<Page<ConsoleUser>>;
  count(): Promise<number>;
  /**
   * Atomically counts one failed sign-in. The failure that reaches `threshold` locks the user until
   * `lockUntil` and starts the count again. Returns the user as it is afterwards.
   */
  recordFailure(id: string, threshold: number, lockUntil: Date): Promise<ConsoleUser>;
  /** A successful sign-in: clears the failures and the lock, sets lastSignInAt (and a re-made hash). */
  recordSignIn(id: string, at: Date, passwordHash?: string): Promise<void>;
}

export interface ConsoleSessionRepository {
  create(session: ConsoleSession): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<ConsoleSession | null>;
  touch(id: string, at: Date): Promise<void>;
  /** Compare-and-set: ends the session only while it is open; false when it had ended already. */
  end(id: string, at: Date, reason: SessionEndReason): Promise<boolean>;
  /** Ends every open session of the user; returns how many. */
  endAllFor(userId: string, at: Date, reason: SessionEndReason): Promise<number>;
  /** Deletes sessions that ended, or reached their absolute limit, before `before`; returns how many. */
  deleteFinishedBefore(before: Date): Promise<number>;
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
  notes: NoteRepository;
  queueStates: QueueStateRepository;
  p12Deliveries: P12DeliveryRepository;
  principals: PrincipalRepository;
  outbox: OutboxRepository;
  search: SearchRepository;
  consoleUsers: ConsoleUserRepository;
  sessions: ConsoleSessionRepository;
  gatewayTls: GatewayTlsRepository;
}

/** What a transaction that only adds rows may use ({@link Store.appendTransaction}). */
export interface AppendRepositories {
  requests: Pick<RequestRepository, 'create'>;
  certificates: Pick<CertificateRepository, 'insert'>;
  audit: Pick<AuditRepository, 'tailForAppend' | 'insert' | 'insertMany'>;
  outbox: Pick<OutboxRepository, 'enqueue'>;
}

export interface Store extends Repositories {
  /** Runs `work` in one database transaction; a throw rolls every write back. */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, for work that only adds rows and audit events: a store may run it more
   * cheaply (SQLite: one script, one round trip to the database). `work` may run more than once
   * before it commits, so it must do nothing but write through `tx`.
   */
  appendTransaction<T>(work: (tx: AppendRepositories) => Promise<T>): Promise<T>;
  /**
   * After a transaction that erased secrets (sealed P12 keys): makes what it overwrote unrecoverable
   * from the store's own files where the store can (SQLite: the WAL, which still holds the pages
   * as they were, is checkpointed and truncated). Call it outside any transaction.
   */
  scrubErased(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
