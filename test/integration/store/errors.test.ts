/** Driver errors → CoreError, and a store that cannot reach its database. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import { sqliteFilename } from '../../../src/store/db.js';
import { translate } from '../../../src/store/errors.js';
import { openStore } from '../../../src/store/knex-store.js';

function driverError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

/** Keeps knex's "Acquire connection error" warnings out of the test output. */
const log = {
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  deprecate: () => undefined,
};

function codeOf(err: unknown): string | undefined {
  return err instanceof CoreError ? err.code : undefined;
}

describe('translate (sqlite)', () => {
  it.each([
    ['SQLITE_CONSTRAINT: UNIQUE constraint failed: profiles.name', 'SQLITE_CONSTRAINT', 'conflict'],
    ['SQLITE_CONSTRAINT: PRIMARY KEY must be unique', 'SQLITE_CONSTRAINT', 'conflict'],
    ['SQLITE_CONSTRAINT: FOREIGN KEY constraint failed', 'SQLITE_CONSTRAINT', 'invalid_input'],
    ['SQLITE_BUSY: database is locked', 'SQLITE_BUSY', 'store_unavailable'],
    ['SQLITE_CANTOPEN: unable to open database file', 'SQLITE_CANTOPEN', 'store_unavailable'],
  ])('%s → %s', (message, code, expected) => {
    expect(codeOf(translate('sqlite', driverError(message, { code, errno: 19 })))).toBe(expected);
  });

  it('rethrows anything else as is', () => {
    const notNull = driverError('SQLITE_CONSTRAINT: NOT NULL constraint failed: profiles.name', {
      code: 'SQLITE_CONSTRAINT',
    });
    expect(translate('sqlite', notNull)).toBe(notNull);
    const syntax = driverError('SQLITE_ERROR: near "selec": syntax error', { code: 'SQLITE_ERROR' });
    expect(translate('sqlite', syntax)).toBe(syntax);
    const core = new CoreError('not_found');
    expect(translate('sqlite', core)).toBe(core);
  });
});

describe('translate (postgres)', () => {
  it.each([
    ['23505', 'conflict'],
    ['23503', 'invalid_input'],
    ['40001', 'conflict'],
    ['22021', 'invalid_input'],
    ['22P05', 'invalid_input'],
    ['57P01', 'store_unavailable'],
    ['08006', 'store_unavailable'],
    ['ECONNREFUSED', 'store_unavailable'],
  ])('%s → %s', (code, expected) => {
    const err = driverError('driver says no', { code, constraint: 'profiles_name_unique' });
    const translated = translate('postgres', err);
    expect(codeOf(translated)).toBe(expected);
    expect((translated as CoreError).cause).toBe(err);
  });

  it('names the violated foreign key', () => {
    const err = driverError('insert … violates foreign key constraint', {
      code: '23503',
      constraint: 'enrollment_requests_profile_id_foreign',
      detail: 'Key (profile_id)=(x) is not present in table "profiles".',
    });
    const translated = translate('postgres', err) as CoreError;
    expect(translated.message).toContain('profile_id');
    expect(translated.details).toEqual({ constraint: 'enrollment_requests_profile_id_foreign' });
  });

  it('treats a lost connection and a failed multi-address connect as unavailable', () => {
    expect(codeOf(translate('postgres', new Error('Connection terminated unexpectedly')))).toBe(
      'store_unavailable',
    );
    const aggregate = new AggregateError([
      driverError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' }),
    ]);
    expect(codeOf(translate('postgres', aggregate))).toBe('store_unavailable');
  });

  it('rethrows anything else as is', () => {
    const syntax = driverError('syntax error at or near "selec"', { code: '42601' });
    expect(translate('postgres', syntax)).toBe(syntax);
  });
});

describe('unreachable databases', () => {
  it('reports an unreachable PostgreSQL as store_unavailable', async () => {
    const err = await openStore({
      url: 'postgres://postgres@127.0.0.1:1/test',
      dataDir: tmpdir(),
      log,
    }).catch((e: unknown) => e);
    expect(codeOf(err)).toBe('store_unavailable');
  });

  it('reports a SQLite file that cannot be opened as store_unavailable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gateway-store-'));
    try {
      // The path is a directory: SQLite cannot open it as a database.
      const err = await openStore({ url: `sqlite:${dir}`, dataDir: dir, log }).catch((e: unknown) => e);
      expect(codeOf(err)).toBe('store_unavailable');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('sqliteFilename', () => {
  it('defaults to gateway.sqlite in the data directory and accepts sqlite: URLs', () => {
    expect(sqliteFilename(undefined, '/var/lib/gw')).toBe(join('/var/lib/gw', 'gateway.sqlite'));
    expect(sqliteFilename('', '/var/lib/gw')).toBe(join('/var/lib/gw', 'gateway.sqlite'));
    expect(sqliteFilename('sqlite::memory:', '/d')).toBe(':memory:');
    expect(sqliteFilename('sqlite:/srv/gw.db', '/d')).toBe('/srv/gw.db');
    expect(sqliteFilename('sqlite://relative/gw.db', '/d')).toBe('relative/gw.db');
    expect(() => sqliteFilename('mysql://x', '/d')).toThrow(/Unsupported database URL/);
  });
});

describe('in-memory SQLite', () => {
  it('keeps its data for the life of the store', async () => {
    const store = await openStore({ url: 'sqlite::memory:', dataDir: tmpdir() });
    try {
      expect(await store.tokens.count()).toBe(0);
      await store.caStore.addRevocation({ serialNumber: '01', revokedAt: new Date(5), reason: 0 });
      expect(await store.caStore.listRevocations()).toEqual([
        { serialNumber: '01', revokedAt: new Date(5), reason: 0 },
      ]);
    } finally {
      await store.close();
    }
  });
});
