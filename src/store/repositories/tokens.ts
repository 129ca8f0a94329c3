import type { TokenRepository } from '../../core/ports.js';
import type { ApiToken, Role } from '../../core/tokens/token.js';
import { insertOrConflict, toDate, toDateOrNull, toNumber } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface TokenRow {
  id: string;
  subject: string;
  role: Role;
  token_hash: string;
  expires_at: DbTimestamp | null;
  created_at: DbTimestamp;
  last_used_at: DbTimestamp | null;
}

function toRow(token: ApiToken): TokenRow {
  return {
    id: token.id,
    subject: token.subject,
    role: token.role,
    token_hash: token.tokenHash,
    expires_at: token.expiresAt,
    created_at: token.createdAt,
    last_used_at: token.lastUsedAt,
  };
}

function toDomain(row: TokenRow): ApiToken {
  return {
    id: row.id,
    subject: row.subject,
    role: row.role,
    tokenHash: row.token_hash,
    expiresAt: toDateOrNull(row.expires_at),
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
  };
}

const table = 'api_tokens';

export class KnexTokenRepository implements TokenRepository {
  constructor(private readonly db: Db) {}

  async create(token: ApiToken): Promise<void> {
    await insertOrConflict(this.db, table, toRow(token), 'id', 'A token with this id or hash');
  }

  async findByHash(tokenHash: string): Promise<ApiToken | null> {
    const row = (await this.db(table).where({ token_hash: tokenHash }).first()) as TokenRow | undefined;
    return row ? toDomain(row) : null;
  }

  /** Unknown ids are ignored: the token may have been deleted meanwhile. */
  async touch(id: string, at: Date): Promise<void> {
    await this.db(table).where({ id }).update({ last_used_at: at });
  }

  async count(): Promise<number> {
    const row = (await this.db(table).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return row ? toNumber(row.n) : 0;
  }
}
