/**
 * The SQLite client's prepared-statement cache (src/store/dialect/sqlite-client.ts) on a real file:
 * statements are prepared once per connection, inside transactions too; errors from preparing and
 * from running still reach the caller; the cache stays bounded; the connection closes cleanly with
 * statements cached, and what was written is there after reopening.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../../src/store/db.js';

describe('SQLite client: prepared statements', () => {
  let dir: string;
  let db: Knex;
  let prepared: string[];

  const open = async (): Promise<Knex> => {
    const knex = createDatabase({ url: `sqlite:${join(dir, 'db.sqlite')}`, dataDir: dir });
    // Count preparations on the one pooled connection.
    const connection = (await knex.client.acquireConnection()) as {
      prepare: (sql: string, ...rest: unknown[]) => unknown;
    };
    const prepare = connection.prepare.bind(connection);
    connection.prepare = (sql, ...rest) => {
      prepared.push(sql);
      return prepare(sql, ...rest);
    };
    await knex.client.releaseConnection(connection);
    return knex;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sqlite-client-'));
    prepared = [];
    db = await open();
    await db.schema.createTable('items', (t) => {
      t.increments('id');
      t.string('name').notNullable().unique();
      t.integer('n').notNullable().defaultTo(0);
    });
  });

  afterEach(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('prepares a statement once and re-runs it, inside and outside transactions', async () => {
    for (let i = 0; i < 5; i++) await db('items').insert({ name: `a${i}` });
    await db.transaction(async (trx) => {
      for (let i = 0; i < 5; i++) await trx('items').insert({ name: `b${i}` });
    });
    await db.transaction(async (trx) => {
      await trx('items').insert({ name: 'c' });
    });
    const inserts = prepared.filter((sql) => sql.startsWith('insert into `items`'));
    expect(inserts).toHaveLength(1);
    expect(prepared.filter((sql) => sql === 'BEGIN IMMEDIATE;')).toHaveLength(1);
    expect(await db('items').count({ c: '*' })).toEqual([{ c: 11 }]);
  });

  it('runs each call with its own bindings when one statement is used concurrently', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => db('items').insert({ name: `n${i}`, n: i })));
    const rows = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db('items')
          .where({ name: `n${i}` })
          .first(),
      ),
    );
    expect(rows.map((r: { n: number }) => r.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('reports changed rows from update and delete, and the new id from insert', async () => {
    const [id] = await db('items').insert({ name: 'x' });
    expect(id).toBe(1);
    await db('items').insert({ name: 'y' });
    expect(await db('items').update({ n: 7 })).toBe(2);
    expect(await db('items').where({ name: 'nothing' }).update({ n: 1 })).toBe(0);
    expect(await db('items').where({ name: 'x' }).del()).toBe(1);
  });

  it('rejects SQL that does not prepare, and keeps working', async () => {
    await expect(db.raw('select * from no_such_table')).rejects.toThrow(/no such table/);
    await expect(db.raw('select * from no_such_table')).rejects.toThrow(/no such table/);
    expect(await db('items').count({ c: '*' })).toEqual([{ c: 0 }]);
  });

  it('rejects a constraint violation from a cached statement, then re-runs it', async () => {
    await db('items').insert({ name: 'dup' });
    await expect(db('items').insert({ name: 'dup' })).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await db('items').insert({ name: 'other' });
    expect(await db('items').count({ c: '*' })).toEqual([{ c: 2 }]);
  });

  it('rolls back a transaction whose statement failed', async () => {
    await db('items').insert({ name: 'dup' });
    await expect(
      db.transaction(async (trx) => {
        await trx('items').insert({ name: 'fresh' });
        await trx('items').insert({ name: 'dup' });
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    expect(await db('items').pluck('name')).toEqual(['dup']);
  });

  it('keeps at most 256 statements, and still closes and reopens with what was written', async () => {
    // 300 distinct statements: the first ones are evicted (finalized) while later ones are cached.
    for (let i = 0; i < 300; i++) await db('items').insert({ name: `k${i}`, n: i });
    for (let i = 0; i < 300; i++)
      await db.raw(`select n from items where name = ? and ${i} = ${i}`, [`k${i}`]);
    const again = prepared.length;
    await db.raw('select n from items where name = ? and 0 = 0', ['k0']);
    expect(prepared.length).toBe(again + 1);
    await db.destroy();
    prepared = [];
    db = await open();
    expect(await db('items').count({ c: '*' })).toEqual([{ c: 300 }]);
  });
});
