/**
 * The Store the core runs on, over knex. One implementation serves both dialects: SQLite (default,
 * a single file under the data directory, one connection) and PostgreSQL (when a postgres:// URL is
 * configured, pooled; required to run several instances). `dialect` says which one is in use.
 */
import type { Knex } from 'knex';
import type { LocalCaStore } from '../../ca/local/store.js';
import type {
  AppendRepositories,
  ApprovalRepository,
  AssetRepository,
  AuditRepository,
  CertificateRepository,
  CodeRepository,
  ProfileRepository,
  Repositories,
  RequestRepository,
  Store,
  TokenRepository,
  NoteRepository,
  QueueStateRepository,
  P12DeliveryRepository,
  PrincipalRepository,
  OutboxRepository,
  SearchRepository,
  ConsoleUserRepository,
  ConsoleSessionRepository,
  GatewayTlsRepository,
} from '../core/ports.js';
import { AppendScript, type AuditTail } from './append-script.js';
import { createDatabase, dialectOf } from './db.js';
import { execScript } from './dialect/sqlite-client.js';
import type { DatabaseOptions, Dialect } from './db.js';
import { guard, guarded } from './errors.js';
import { migrateLatest } from './migrate.js';
import { withStartupLock } from './startup-lock.js';
import { KnexLocalCaStore } from './repositories/ca-material.js';
import { createRepositories } from './repositories/index.js';

/** Scripts tried before an append transaction falls back to an ordinary one. */
const appendAttempts = 4;

/** The append script's first insert found its audit seq taken: the tail it was given is stale. */
function isAuditSeqTaken(err: unknown): boolean {
  return err instanceof Error && /constraint failed: audit_events\.seq/i.test(err.message);
}

export interface StoreOptions extends DatabaseOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
}

export class KnexStore implements Store {
  readonly dialect: Dialect;
  readonly profiles: ProfileRepository;
  readonly assets: AssetRepository;
  readonly requests: RequestRepository;
  readonly approvals: ApprovalRepository;
  readonly certificates: CertificateRepository;
  readonly codes: CodeRepository;
  readonly audit: AuditRepository;
  readonly tokens: TokenRepository;
  readonly notes: NoteRepository;
  readonly queueStates: QueueStateRepository;
  readonly p12Deliveries: P12DeliveryRepository;
  readonly principals: PrincipalRepository;
  readonly outbox: OutboxRepository;
  readonly search: SearchRepository;
  readonly consoleUsers: ConsoleUserRepository;
  readonly sessions: ConsoleSessionRepository;
  readonly gatewayTls: GatewayTlsRepository;
  /** The local CA's persistence, in the same database. */
  readonly caStore: LocalCaStore;

  /**
   * The audit chain's tail as this store last wrote it, for the next append script; undefined when
   * unknown (another transaction may have appended since).
   */
  #auditTail: AuditTail | undefined = undefined;

  /** `knex` stays reachable for migrations and diagnostics; the core never uses it. */
  constructor(readonly knex: Knex) {
    this.dialect = dialectOf(knex);
    const repositories = createRepositories(knex);
    this.profiles = repositories.profiles;
    this.assets = repositories.assets;
    this.requests = repositories.requests;
    this.approvals = repositories.approvals;
    this.certificates = repositories.certificates;
    this.codes = repositories.codes;
    this.audit = repositories.audit;
    this.tokens = repositories.tokens;
    this.notes = repositories.notes;
    this.queueStates = repositories.queueStates;
    this.p12Deliveries = repositories.p12Deliveries;
    this.principals = repositories.principals;
    this.outbox = repositories.outbox;
    this.search = repositories.search;
    this.consoleUsers = repositories.consoleUsers;
    this.sessions = repositories.sessions;
    this.gatewayTls = repositories.gatewayTls;
    this.caStore = guarded(this.dialect, new KnexLocalCaStore(knex));
  }

  /**
   * Runs `work` in one transaction and commits when it resolves; a throw rolls back and is rethrown.
   * Use only `tx` inside: on SQLite the store's one connection is held by the transaction, so a call
   * on the store itself would wait for it.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return guard(this.dialect, async () => {
      try {
        return await this.knex.transaction((trx) => work(createRepositories(trx)));
      } finally {
        // It may have appended audit events.
        this.#auditTail = undefined;
      }
    });
  }

  /**
   * On SQLite, one script per attempt (see append-script.ts); a few attempts lost to other writers of
   * the audit chain, then an ordinary transaction. On PostgreSQL an ordinary transaction: its
   * statements are no dearer inside one, and the chain's advisory lock already makes appends wait.
   */
  appendTransaction<T>(work: (tx: AppendRepositories) => Promise<T>): Promise<T> {
    if (this.dialect !== 'sqlite') return this.transaction(work);
    return guard(this.dialect, async () => {
      for (let attempt = 0; attempt < appendAttempts; attempt++) {
        const tail = this.#auditTail === undefined ? await this.audit.tailForAppend() : this.#auditTail;
        const script = new AppendScript(this.knex, tail);
        const result = await work(script);
        const text = script.text();
        if (text === null) return result;
        this.#auditTail = undefined;
        try {
          await execScript(this.knex, text);
        } catch (err) {
          if (isAuditSeqTaken(err)) continue;
          throw err;
        }
        this.#auditTail = script.tail;
        return result;
      }
      return this.transaction(work);
    });
  }

  /**
   * Runs `work` (migrations, the first-start bootstrap) while no other instance sharing the database
   * runs its own: see startup-lock.ts. Not reentrant: `work` must not call it again.
   */
  withStartupLock<T>(work: () => Promise<T>): Promise<T> {
    return withStartupLock(this.knex, work);
  }

  /**
   * SQLite: secure_delete has zeroed the erased content in the database pages, but the WAL keeps
   * every page image written since its last reset, the sealed key's insert among them; a TRUNCATE
   * checkpoint copies the WAL into the database and cuts it to zero bytes (it waits for readers up to
   * the busy timeout; another process's open reader can make it stop short, and the next erasure
   * tries again). PostgreSQL: its files are the server's; dead row versions go with (auto)vacuum.
   */
  scrubErased(): Promise<void> {
    return guard(this.dialect, async () => {
      if (this.dialect === 'sqlite') await this.knex.raw('PRAGMA wal_checkpoint(TRUNCATE)');
    });
  }

  ping(): Promise<void> {
    return guard(this.dialect, async () => {
      await this.knex.raw('select 1');
    });
  }

  async close(): Promise<void> {
    await this.knex.destroy();
  }
}

/**
 * Opens the database, migrates it (under the startup lock) unless told not to, and checks the
 * connection.
 */
export async function openStore(options: StoreOptions): Promise<KnexStore> {
  const store = new KnexStore(createDatabase(options));
  try {
    if (options.migrate === false) await store.ping();
    else await store.withStartupLock(() => migrateLatest(store.knex));
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
