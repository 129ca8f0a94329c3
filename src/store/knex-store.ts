/**
 * The Store the core runs on, over knex. One implementation serves both dialects: SQLite (default,
 * a single file under the data directory, one connection) and PostgreSQL (when a postgres:// URL is
 * configured, pooled; required to run several instances). `dialect` says which one is in use.
 */
import type { Knex } from 'knex';
import type { LocalCaStore } from '../../ca/local/store.js';
import type {
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
} from '../core/ports.js';
import { createDatabase, dialectOf } from './db.js';
import type { DatabaseOptions, Dialect } from './db.js';
import { guard, guarded } from './errors.js';
import { migrateLatest } from './migrate.js';
import { KnexLocalCaStore } from './repositories/ca-material.js';
import { createRepositories } from './repositories/index.js';

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
  /** The local CA's persistence, in the same database. */
  readonly caStore: LocalCaStore;

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
    this.caStore = guarded(this.dialect, new KnexLocalCaStore(knex));
  }

  /**
   * Runs `work` in one transaction and commits when it resolves; a throw rolls back and is rethrown.
   * Use only `tx` inside: on SQLite the store's one connection is held by the transaction, so a call
   * on the store itself would wait for it.
   */
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    return guard(this.dialect, () => this.knex.transaction((trx) => work(createRepositories(trx))));
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

/** Opens the database, migrates it unless told not to, and checks the connection. */
export async function openStore(options: StoreOptions): Promise<KnexStore> {
  const store = new KnexStore(createDatabase(options));
  try {
    if (options.migrate === false) await store.ping();
    else await migrateLatest(store.knex);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
