import type { Repositories } from '../../core/ports.js';
import { dialectOf } from '../db.js';
import { guarded } from '../errors.js';
import { KnexApprovalRepository } from './approvals.js';
import { KnexAssetRepository } from './assets.js';
import { KnexAuditRepository } from './audit.js';
import { KnexCertificateRepository } from './certificates.js';
import { KnexCodeRepository } from './codes.js';
import { KnexConsoleSessionRepository } from './console-sessions.js';
import { KnexConsoleUserRepository } from './console-users.js';
import { KnexProfileRepository } from './profiles.js';
import { KnexRequestRepository } from './requests.js';
import { KnexTokenRepository } from './tokens.js';
import { KnexNoteRepository } from './notes.js';
import { KnexOutboxRepository } from './outbox.js';
import { KnexP12DeliveryRepository } from './p12-deliveries.js';
import { KnexPrincipalRepository } from './principals.js';
import { KnexQueueStateRepository } from './queue-states.js';
import { KnexSearchRepository } from './search.js';
import type { Db } from './shared.js';

/**
 * Every repository on `db` (the database or one transaction), each method's errors translated. Each
 * repository is made on first use: a transaction touches three or four of them, not all fourteen.
 */
export function createRepositories(db: Db): Repositories {
  const dialect = dialectOf(db);
  const made: Partial<Repositories> = {};
  const once = <K extends keyof Repositories>(key: K, make: () => Repositories[K]): Repositories[K] =>
    (made[key] ??= guarded(dialect, make()));
  return {
    get profiles() {
      return once('profiles', () => new KnexProfileRepository(db));
    },
    get assets() {
      return once('assets', () => new KnexAssetRepository(db));
    },
    get requests() {
      return once('requests', () => new KnexRequestRepository(db, dialect));
    },
    get approvals() {
      return once('approvals', () => new KnexApprovalRepository(db));
    },
    get certificates() {
      return once('certificates', () => new KnexCertificateRepository(db));
    },
    get codes() {
      return once('codes', () => new KnexCodeRepository(db));
    },
    get audit() {
      return once('audit', () => new KnexAuditRepository(db, dialect));
    },
    get tokens() {
      return once('tokens', () => new KnexTokenRepository(db));
    },
    get notes() {
      return once('notes', () => new KnexNoteRepository(db));
    },
    get queueStates() {
      return once('queueStates', () => new KnexQueueStateRepository(db));
    },
    get p12Deliveries() {
      return once('p12Deliveries', () => new KnexP12DeliveryRepository(db));
    },
    get principals() {
      return once('principals', () => new KnexPrincipalRepository(db));
    },
    get outbox() {
      return once('outbox', () => new KnexOutboxRepository(db));
    },
    get search() {
      return once('search', () => new KnexSearchRepository(db));
    },
    get consoleUsers() {
      return once('consoleUsers', () => new KnexConsoleUserRepository(db));
    },
    get sessions() {
      return once('sessions', () => new KnexConsoleSessionRepository(db));
    },
  };
}
