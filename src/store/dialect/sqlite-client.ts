/**
 * knex's sqlite3 client with two changes, made as a subclass so that knex's transaction clients
 * (built on the class's prototype) have them too:
 *
 * - Statements stay prepared per connection. node-sqlite3 runs `db.all(sql, …)` as three jobs on
 *   libuv's thread pool (prepare, step, finalize), each a round trip through the main thread while
 *   the process's one connection is held; a statement prepared once and re-run is one job. The cache
 *   is bounded (least recently used out, finalized) because some SQL varies with its input
 *   (`IN (?, ?, …)`), and emptied before the connection closes: sqlite3_close refuses a connection
 *   that still has statements.
 * - Transactions start with BEGIN IMMEDIATE. A deferred transaction that reads and then writes fails
 *   at once with SQLITE_BUSY, busy_timeout or not, when another process (a second worker on the same
 *   file) wrote in between; asking for the write lock first makes it wait its turn instead.
 */
import { createRequire } from 'node:module';
import type { Knex } from 'knex';

interface Statement {
  all(params: unknown[], callback: (this: Statement, err: Error | null, rows: unknown) => void): void;
  run(params: unknown[], callback: (this: Statement, err: Error | null) => void): void;
  finalize(callback: () => void): void;
}

interface Connection {
  prepare(sql: string, callback: (err: Error | null) => void): Statement;
  exec(sql: string, callback: (err: Error | null) => void): void;
}

/** What knex hands its dialect's `_query`; `response` and `context` are what knex reads back. */
interface QueryObject {
  sql: string;
  bindings?: unknown[];
  method?: string;
  returning?: unknown;
  response?: unknown;
  context?: unknown;
}

/** The part of knex's Transaction that starts it. */
interface TransactionStart {
  begin(connection: unknown): Promise<unknown>;
  query(connection: unknown, sql: string): Promise<unknown>;
}

/** The members of knex's sqlite3 client (lib/dialects/sqlite3) that are overridden here. */
interface KnexSqlite3Client {
  transaction(...args: unknown[]): TransactionStart;
  destroyRawConnection(connection: Connection): Promise<void>;
}

// knex publishes no types for its dialect classes; the interface above names what is used.
const KnexSqlite3 = createRequire(import.meta.url)('knex/lib/dialects/sqlite3/index.js') as new (
  config: Knex.Config,
) => KnexSqlite3Client;

/** Distinct statements kept per connection. */
const CAPACITY = 256;

const caches = new WeakMap<Connection, Map<string, Statement>>();

function cacheOf(connection: Connection): Map<string, Statement> {
  let cache = caches.get(connection);
  if (!cache) caches.set(connection, (cache = new Map()));
  return cache;
}

/**
 * The connection's prepared statement for `sql`. A failed prepare is reported here: node-sqlite3
 * drops the calls queued on a statement whose preparation failed, so nothing runs before it is ready.
 */
function statement(connection: Connection, sql: string): Promise<Statement> {
  const cache = cacheOf(connection);
  const cached = cache.get(sql);
  if (cached) {
    // Map order is insertion order: moving the entry to the end keeps the least recently used first.
    cache.delete(sql);
    cache.set(sql, cached);
    return Promise.resolve(cached);
  }
  return new Promise((resolve, reject) => {
    const prepared = connection.prepare(sql, (err) => {
      if (err) return reject(err);
      cache.set(sql, prepared);
      if (cache.size > CAPACITY) {
        const [oldest, evicted] = cache.entries().next().value as [string, Statement];
        cache.delete(oldest);
        // node-sqlite3 queues the finalize behind calls already made on the statement.
        evicted.finalize(() => undefined);
      }
      resolve(prepared);
    });
  });
}

/** The same choice of `all` or `run` that knex's sqlite3 client makes (`run` reports `changes`). */
function methodOf(obj: QueryObject): 'all' | 'run' {
  switch (obj.method) {
    case 'insert':
    case 'update':
      return obj.returning ? 'all' : 'run';
    case 'counter':
    case 'del':
      return 'run';
    default:
      return 'all';
  }
}

function finalizeAll(connection: Connection): Promise<unknown> {
  const cache = caches.get(connection);
  caches.delete(connection);
  return Promise.all(
    [...(cache?.values() ?? [])].map((s) => new Promise<void>((resolve) => s.finalize(resolve))),
  );
}

export class SqliteClient extends KnexSqlite3 {
  async _query(connection: Connection, obj: QueryObject): Promise<QueryObject> {
    if (!obj.sql) throw new Error('The query is empty');
    const prepared = await statement(connection, obj.sql);
    const params = obj.bindings ?? [];
    return new Promise((resolve, reject) => {
      const done = function (this: Statement, err: Error | null, rows?: unknown): void {
        if (err) return reject(err);
        obj.response = rows;
        // knex reads lastID and changes from the statement, where node-sqlite3 sets them.
        obj.context = this;
        resolve(obj);
      };
      if (methodOf(obj) === 'run') prepared.run(params, done);
      else prepared.all(params, done);
    });
  }

  override async destroyRawConnection(connection: Connection): Promise<void> {
    await finalizeAll(connection);
    return super.destroyRawConnection(connection);
  }

  override transaction(...args: unknown[]): TransactionStart {
    const trx = super.transaction(...args);
    // knex calls `begin` after a tick, so replacing it on the new transaction works.
    trx.begin = (connection) => trx.query(connection, 'BEGIN IMMEDIATE;');
    return trx;
  }
}

function exec(connection: Connection, sql: string): Promise<void> {
  return new Promise((resolve, reject) => connection.exec(sql, (err) => (err ? reject(err) : resolve())));
}

/**
 * Runs a script that holds its own transaction (`BEGIN …; …; COMMIT;`) on the store's connection, in
 * one job on libuv's pool. SQLite stops at the first failing statement with the transaction still
 * open, so a failure is followed by a ROLLBACK (which fails harmlessly if BEGIN itself failed).
 */
export async function execScript(knex: Knex, script: string): Promise<void> {
  const connection = (await knex.client.acquireConnection()) as Connection;
  try {
    await exec(connection, script);
  } catch (err) {
    await exec(connection, 'ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await knex.client.releaseConnection(connection);
  }
}
