import type { CodePurpose, CodeStatus, EnrollmentCode } from '../../core/codes/code.js';
import { CoreError } from '../../core/errors.js';
import type { CodeRepository, ListOptions, Page } from '../../core/ports.js';
import { insertOrConflict, keysetPage, toDate, toDateOrNull, toNumber } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface CodeRow {
  id: string;
  profile_id: string;
  asset_id: string | null;
  purpose: CodePurpose;
  secret_hash: string;
  secret_sealed: string | null;
  bound_subject: string | null;
  /** 0/1 from SQLite. */
  single_use: boolean | number;
  expires_at: DbTimestamp | null;
  max_attempts: number | string;
  failed_attempts: number | string;
  status: CodeStatus;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

function toRow(code: EnrollmentCode): CodeRow {
  return {
    id: code.id,
    profile_id: code.profileId,
    asset_id: code.assetId,
    purpose: code.purpose,
    secret_hash: code.secretHash,
    secret_sealed: code.secretSealed,
    bound_subject: code.boundSubject,
    single_use: code.singleUse,
    expires_at: code.expiresAt,
    max_attempts: code.maxAttempts,
    failed_attempts: code.failedAttempts,
    status: code.status,
    created_at: code.createdAt,
    updated_at: code.updatedAt,
  };
}

export function toDomain(row: CodeRow): EnrollmentCode {
  return {
    id: row.id,
    profileId: row.profile_id,
    assetId: row.asset_id,
    purpose: row.purpose,
    secretHash: row.secret_hash,
    secretSealed: row.secret_sealed,
    boundSubject: row.bound_subject,
    singleUse: Boolean(row.single_use),
    expiresAt: toDateOrNull(row.expires_at),
    maxAttempts: toNumber(row.max_attempts),
    failedAttempts: toNumber(row.failed_attempts),
    status: row.status,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

const table = 'enrollment_codes';

export class KnexCodeRepository implements CodeRepository {
  constructor(private readonly db: Db) {}

  async create(code: EnrollmentCode): Promise<void> {
    await insertOrConflict(this.db, table, toRow(code), 'id', 'An enrolment code with this id');
  }

  async get(id: string): Promise<EnrollmentCode | null> {
    const row = (await this.db(table).where({ id }).first()) as CodeRow | undefined;
    return row ? toDomain(row) : null;
  }

  /** The newest code of the profile with this hash (hashes of random secrets do not collide in practice). */
  async findByHash(profileId: string, secretHash: string): Promise<EnrollmentCode | null> {
    const row = (await this.db(table)
      .where({ profile_id: profileId, secret_hash: secretHash })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first()) as CodeRow | undefined;
    return row ? toDomain(row) : null;
  }

  /**
   * One UPDATE counts the attempt and, for an active code, locks it when the count reaches
   * max_attempts (the right-hand side reads the row as it was, in both dialects), so concurrent
   * failures can never all see "one attempt left". RETURNING hands back the row this UPDATE wrote.
   */
  async recordFailure(id: string, at: Date): Promise<EnrollmentCode> {
    const rows = (await this.db(table)
      .where({ id })
      .update({
        failed_attempts: this.db.raw('failed_attempts + 1'),
        status: this.db.raw(
          `case when status = 'active' and failed_attempts + 1 >= max_attempts then 'locked' else status end`,
        ),
        updated_at: at,
      })
      .returning('*')) as CodeRow[];
    const row = rows[0];
    if (!row) throw new CoreError('not_found', `No enrolment code ${id}`);
    return toDomain(row);
  }

  async setStatus(
    id: string,
    from: CodeStatus,
    patch: { status: CodeStatus; updatedAt: Date; failedAttempts?: number; expiresAt?: Date | null },
  ): Promise<boolean> {
    const changes: Partial<CodeRow> = { status: patch.status, updated_at: patch.updatedAt };
    if (patch.failedAttempts !== undefined) changes.failed_attempts = patch.failedAttempts;
    if (patch.expiresAt !== undefined) changes.expires_at = patch.expiresAt;
    const changed = await this.db(table).where({ id, status: from }).update(changes);
    return changed === 1;
  }

  async list(
    filter: { profileId?: string; assetId?: string } & ListOptions = {},
  ): Promise<Page<EnrollmentCode>> {
    const query = this.db(table).select('*');
    if (filter.profileId) query.where({ profile_id: filter.profileId });
    if (filter.assetId) query.where({ asset_id: filter.assetId });
    return keysetPage<CodeRow, EnrollmentCode>(query, { time: 'created_at', key: 'id' }, filter, toDomain);
  }
}
