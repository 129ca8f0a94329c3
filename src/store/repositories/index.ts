import type { Repositories } from '../../core/ports.js';
import { dialectOf } from '../db.js';
import { guarded } from '../errors.js';
import { KnexApprovalRepository } from './approvals.js';
import { KnexAssetRepository } from './assets.js';
import { KnexAuditRepository } from './audit.js';
import { KnexCertificateRepository } from './certificates.js';
import { KnexCodeRepository } from './codes.js';
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

/** Every repository on `db` (the database or one transaction), each method's errors translated. */
export function createRepositories(db: Db): Repositories {
  const dialect = dialectOf(db);
  return {
    profiles: guarded(dialect, new KnexProfileRepository(db)),
    assets: guarded(dialect, new KnexAssetRepository(db)),
    requests: guarded(dialect, new KnexRequestRepository(db, dialect)),
    approvals: guarded(dialect, new KnexApprovalRepository(db)),
    certificates: guarded(dialect, new KnexCertificateRepository(db)),
    codes: guarded(dialect, new KnexCodeRepository(db)),
    audit: guarded(dialect, new KnexAuditRepository(db, dialect)),
    tokens: guarded(dialect, new KnexTokenRepository(db)),
    notes: guarded(dialect, new KnexNoteRepository(db)),
    queueStates: guarded(dialect, new KnexQueueStateRepository(db)),
    p12Deliveries: guarded(dialect, new KnexP12DeliveryRepository(db)),
    principals: guarded(dialect, new KnexPrincipalRepository(db)),
    outbox: guarded(dialect, new KnexOutboxRepository(db)),
    search: guarded(dialect, new KnexSearchRepository(db)),
  };
}
