/**
 * One start at a time per database: instances started together on an empty PostgreSQL database
 * would otherwise all migrate (knex's migration lock fails the losers at once) and all bootstrap
 * (each sees no default profile and no admin token, and creates its own).
 */
import type { Knex } from 'knex';
import { dialectOf } from './db.js';
import { guard } from './errors.js';

/**
 * First key of the session advisory lock ("boot" in ASCII, an int4). The second key is the schema,
 * so that gateways kept in separate schemas of one database do not wait for each other.
 */
const startupLockKey = 0x626f6f74;

interface RawPgConnection {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

/**
 * Runs `work` while holding the database's startup lock. On PostgreSQL the lock is held by a
 * connection of its own, outside the pool, so that `work` may use every pooled connection (migrations
 * and the bootstrap do) even with a pool of one; if the process dies, the server ends the session
 * and the lock with it. SQLite needs none: several processes on one file are the workers of one
 * node:cluster primary, which runs the start once before it forks them.
 */
export async function withStartupLock<T>(knex: Knex, work: () => Promise<T>): Promise<T> {
  if (dialectOf(knex) !== 'postgres') return work();
  // An unreachable server is store_unavailable here as anywhere else.
  const connection = await guard('postgres', async () => {
    const raw = (await knex.client.acquireRawConnection()) as RawPgConnection;
    try {
      await raw.query('select pg_advisory_lock($1, hashtext(current_schema()))', [startupLockKey]);
    } catch (err) {
      await knex.client.destroyRawConnection(raw);
      throw err;
    }
    return raw;
  });
  try {
    return await work();
  } finally {
    // Closing the session releases the lock; no unlock round trip needed.
    await knex.client.destroyRawConnection(connection);
  }
}
