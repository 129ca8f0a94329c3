import type { ConsoleSessionRepository } from '../../core/ports.js';
import type { ConsoleSession, SessionEndReason } from '../../core/sessions/session.js';
import { insertOrConflict, toDate, toDateOrNull } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface SessionRow {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: DbTimestamp;
  last_seen_at: DbTimestamp;
  expires_at: DbTimestamp;
  ended_at: DbTimestamp | null;
  end_reason: SessionEndReason | null;
  client_address: string | null;
}

function toDomain(row: SessionRow): ConsoleSession {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    expiresAt: toDate(row.expires_at),
    endedAt: toDateOrNull(row.ended_at),
    endReason: row.end_reason,
    clientAddress: row.client_address,
  };
}

const table = 'console_sessions';

export class KnexConsoleSessionRepository implements ConsoleSessionRepository {
  constructor(private readonly db: Db) {}

  async create(s: ConsoleSession): Promise<void> {
    const row: SessionRow = {
      id: s.id,
      token_hash: s.tokenHash,
      user_id: s.userId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      expires_at: s.expiresAt,
      ended_at: s.endedAt,
      end_reason: s.endReason,
      client_address: s.clientAddress,
    };
    await insertOrConflict(this.db, table, row, 'id', 'A session with this id or token');
  }

  async findByTokenHash(tokenHash: string): Promise<ConsoleSession | null> {
    const row = (await this.db(table).where({ token_hash: tokenHash }).first()) as SessionRow | undefined;
    return row ? toDomain(row) : null;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.db(table).where({ id }).whereNull('ended_at').update({ last_seen_at: at });
  }

  async end(id: string, at: Date, reason: SessionEndReason): Promise<boolean> {
    const changed = await this.db(table)
      .where({ id })
      .whereNull('ended_at')
      .update({ ended_at: at, end_reason: reason });
    return changed === 1;
  }

  async endAllFor(userId: string, at: Date, reason: SessionEndReason): Promise<number> {
    return this.db(table)
      .where({ user_id: userId })
      .whereNull('ended_at')
      .update({ ended_at: at, end_reason: reason });
  }

  async deleteFinishedBefore(before: Date): Promise<number> {
    return this.db(table)
      .where((q) => q.where('ended_at', '<', before).orWhere('expires_at', '<', before))
      .delete();
  }
}
