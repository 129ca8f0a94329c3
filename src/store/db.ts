/**
 * Opens the database behind the store: SQLite (one file under the data directory) unless a
 * PostgreSQL URL is configured. The returned knex instance is the only thing the rest of
 * `src/store` needs to know about the connection.
 */
import { dirname, join, resolve } from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { SqliteClient } from './dialect/sqlite-client.js';
import { ensurePrivateDirectory, preparePrivateSqliteFiles } from './files.js';

export type Dialect = 'sqlite' | 'postgres';

export interface DatabaseOptions {
  /**
   * `postgres://…` / `postgresql://…` for PostgreSQL; `sqlite:<path>`, `sqlite://<path>` or
   * `sqlite::memory:` for SQLite; empty for the default file `<dataDir>/gateway.sqlite`.
   */
  url?: string | null;
  dataDir: string;
  /** PostgreSQL pool size (default 10). SQLite always uses a single connection. */
  poolMax?: number;
  /** PostgreSQL schema to work in (search_path); the schema must exist. */
  searchPath?: string;
  /** Where knex reports its own warnings (pool errors, deprecations); knex logs to the console by default. */
  log?: Knex.Logger;
}

/**
 * Statements run on every new SQLite connection (busy_timeout first: WAL needs a lock). secure_delete
 * overwrites deleted and updated-away content with zeros, freed pages included, so that an erased
 * P12 key does not linger in the file's free space (the WAL is truncated after erasures, see
 * KnexStore.scrubErased).
 */
const sqlitePragmas = [
  'PRAGMA busy_timeout=5000',
  'PRAGMA journal_mode=WAL',
  'PRAGMA foreign_keys=ON',
  'PRAGMA synchronous=NORMAL',
  'PRAGMA secure_delete=ON',
];

interface SqliteConnection {
  exec(sql: string, callback: (err: Error | null) => void): void;
}

export function isPostgresUrl(url: string | null | undefined): url is string {
  return url != null && /^postgres(ql)?:\/\//i.test(url);
}

/** The SQLite filename a URL designates: a path, or `:memory:`. */
export function sqliteFilename(url: string | null | undefined, dataDir: string): string {
  if (url == null || url.trim() === '') return join(dataDir, 'gateway.sqlite');
  const match = /^sqlite:(?:\/\/)?(.+)$/i.exec(url.trim());
  if (!match) {
    throw new Error(
      `Unsupported database URL (expected postgres://…, postgresql://… or sqlite:…): ${redact(url)}`,
    );
  }
  const target = match[1] as string;
  return target === ':memory:' || target === 'memory' ? ':memory:' : target;
}

export function createDatabase(options: DatabaseOptions): Knex {
  const { url, dataDir } = options;
  if (isPostgresUrl(url)) {
    const config: Knex.Config = {
      client: 'pg',
      connection: url,
      pool: { min: 0, max: options.poolMax ?? 10 },
    };
    if (options.log) config.log = options.log;
    if (options.searchPath) config.searchPath = [options.searchPath];
    return knexFactory(config);
  }
  const filename = sqliteFilename(url, dataDir);
  if (filename !== ':memory:') {
    ensurePrivateDirectory(dirname(resolve(filename)));
    preparePrivateSqliteFiles(filename);
  }
  return knexFactory({
    ...(options.log ? { log: options.log } : {}),
    // knex's sqlite3 client with prepared statements and BEGIN IMMEDIATE (see SqliteClient).
    client: SqliteClient as unknown as typeof Knex.Client,
    connection: { filename },
    useNullAsDefault: true,
    // One connection per process: its statements and transactions run in turn, so there is no
    // SQLITE_BUSY between them, and an in-memory database survives (the connection is never
    // idle-reaped). Worker processes on one file queue on its lock (BEGIN IMMEDIATE, see SqliteClient).
    pool: {
      min: 1,
      max: 1,
      idleTimeoutMillis: Number.MAX_SAFE_INTEGER,
      afterCreate: (connection: SqliteConnection, done: (err: Error | null, connection: unknown) => void) => {
        connection.exec(sqlitePragmas.map((pragma) => `${pragma};`).join(' '), (err) =>
          done(err, connection),
        );
      },
    },
  });
}

/** Which dialect a knex instance (or a transaction of one) speaks. */
export function dialectOf(db: Knex | Knex.Transaction): Dialect {
  const dialect = db.client.dialect;
  if (dialect === 'postgresql') return 'postgres';
  if (dialect === 'sqlite3') return 'sqlite';
  throw new Error(`Unsupported knex dialect: ${String(dialect)}`);
}

/** A URL safe to log: the password, if any, replaced. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}
