import type { ConsoleUser } from '../../core/console-users/console-user.js';
import { CoreError } from '../../core/errors.js';
import type { ConsoleUserRepository, ListOptions, Page } from '../../core/ports.js';
import type { Role } from '../../core/tokens/token.js';
import { insertOrConflict, keysetPage, toDate, toDateOrNull, toNumber } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface ConsoleUserRow {
  id: string;
  username: string;
  username_key: string;
  role: Role;
  email: string | null;
  password_hash: string;
  disabled: boolean | number;
  failed_attempts: number | string;
  locked_until: DbTimestamp | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  last_sign_in_at: DbTimestamp | null;
}

function toRow(user: ConsoleUser): ConsoleUserRow {
  return {
    id: user.id,
    username: user.username,
    username_key: user.usernameKey,
    role: user.role,
    email: user.email,
    password_hash: user.passwordHash,
    disabled: user.disabled,
    failed_attempts: user.failedAttempts,
    locked_until: user.lockedUntil,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    last_sign_in_at: user.lastSignInAt,
  };
}

function toDomain(row: ConsoleUserRow): ConsoleUser {
  return {
    id: row.id,
    username: row.username,
    usernameKey: row.username_key,
    role: row.role,
    email: row.email,
    passwordHash: row.password_hash,
    disabled: Boolean(row.disabled),
    failedAttempts: toNumber(row.failed_attempts),
    lockedUntil: toDateOrNull(row.locked_until),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    lastSignInAt: toDateOrNull(row.last_sign_in_at),
  };
}

const table = 'console_users';

export class KnexConsoleUserRepository implements ConsoleUserRepository {
  constructor(private readonly db: Db) {}

  async create(user: ConsoleUser): Promise<void> {
    await insertOrConflict(this.db, table, toRow(user), 'id', 'A console user with this name');
  }

  async update(user: ConsoleUser): Promise<void> {
    const row: Partial<ConsoleUserRow> = toRow(user);
    delete row.id;
    delete row.created_at;
    await this.db(table).where({ id: user.id }).update(row);
  }

  async get(id: string): Promise<ConsoleUser | null> {
    const row = (await this.db(table).where({ id }).first()) as ConsoleUserRow | undefined;
    return row ? toDomain(row) : null;
  }

  async findByUsernameKey(usernameKey: string): Promise<ConsoleUser | null> {
    const row = (await this.db(table).where({ username_key: usernameKey }).first()) as
      ConsoleUserRow | undefined;
    return row ? toDomain(row) : null;
  }

  list(options: ListOptions = {}): Promise<Page<ConsoleUser>> {
    return keysetPage<ConsoleUserRow, ConsoleUser>(
      this.db(table).select('*'),
      { time: 'created_at', key: 'id' },
      options,
      toDomain,
    );
  }

  async count(): Promise<number> {
    const row = (await this.db(table).count({ n: '*' }).first()) as { n: number | string } | undefined;
    return row ? toNumber(row.n) : 0;
  }

  /** One statement: every SET expression reads the row as it was, on both dialects. */
  async recordFailure(id: string, threshold: number, lockUntil: Date): Promise<ConsoleUser> {
    const reached = this.db.raw('failed_attempts + 1 >= ?', [threshold]);
    const rows = (await this.db(table)
      .where({ id })
      .update({
        failed_attempts: this.db.raw('case when ? then 0 else failed_attempts + 1 end', [reached]),
        locked_until: this.db.raw('case when ? then ? else locked_until end', [reached, lockUntil]),
      })
      .returning('*')) as ConsoleUserRow[];
    const row = rows[0];
    if (!row) throw new CoreError('not_found', 'No such console user');
    return toDomain(row);
  }

  async recordSignIn(id: string, at: Date, passwordHash?: string): Promise<void> {
    await this.db(table)
      .where({ id })
      .update({
        failed_attempts: 0,
        locked_until: null,
        last_sign_in_at: at,
        ...(passwordHash ? { password_hash: passwordHash } : {}),
      });
  }
}
