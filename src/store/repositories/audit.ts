import type { AuditEvent } from '../../core/audit/event.js';
import type { AuditFilter, AuditRepository } from '../../core/ports.js';
import type { Dialect } from '../db.js';
import { fromJson, pageSize, toDate, toJson, toNumber } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface AuditRow {
  seq: number | string;
  at: DbTimestamp;
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  data: string;
  prev_hash: string;
  hash: string;
}

export function toRow(event: AuditEvent): AuditRow {
  return {
    seq: event.seq,
    at: event.at,
    actor: event.actor,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    data: toJson(event.data),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}

export function toDomain(row: AuditRow): AuditEvent {
  return {
    seq: toNumber(row.seq),
    at: toDate(row.at),
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    data: fromJson<Record<string, unknown>>(row.data),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Key of the PostgreSQL advisory lock that serializes audit appends across every instance sharing the
 * database ("audit" in ASCII). Transaction-scoped: released at commit or rollback.
 */
export const auditAppendLockKey = 0x6175646974n;

export const table = 'audit_events';

export class KnexAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  /**
   * On PostgreSQL, takes the append lock first; it only holds until the end of the transaction, so
   * call this inside `Store.transaction`. SQLite needs no lock: its one connection runs one
   * transaction at a time.
   */
  async tailForAppend(): Promise<Pick<AuditEvent, 'seq' | 'hash'> | null> {
    if (this.dialect === 'postgres') {
      await this.db.raw('select pg_advisory_xact_lock(?)', [auditAppendLockKey.toString()]);
    }
    const row = (await this.db(table).select('seq', 'hash').orderBy('seq', 'desc').first()) as
      Pick<AuditRow, 'seq' | 'hash'> | undefined;
    return row ? { seq: toNumber(row.seq), hash: row.hash } : null;
  }

  /** A second event with the same seq is a CoreError('conflict'). */
  async insert(event: AuditEvent): Promise<void> {
    await this.db(table).insert(toRow(event));
  }

  /** One multi-row INSERT: a single statement, so atomic even outside a transaction. */
  async insertMany(events: readonly AuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db(table).insert(events.map(toRow));
  }

  /** Both `from` and `to` are inclusive. `limit` defaults to 50, at most 500. */
  async list(filter: AuditFilter = {}): Promise<AuditEvent[]> {
    const query = this.db(table).select('*');
    if (filter.afterSeq !== undefined) query.where('seq', '>', filter.afterSeq);
    if (filter.targetType) query.where({ target_type: filter.targetType });
    if (filter.targetId) query.where({ target_id: filter.targetId });
    if (filter.actor) query.where({ actor: filter.actor });
    if (filter.from) query.where('at', '>=', filter.from);
    if (filter.to) query.where('at', '<=', filter.to);
    const rows = (await query.orderBy('seq').limit(pageSize(filter.limit))) as AuditRow[];
    return rows.map(toDomain);
  }
}
