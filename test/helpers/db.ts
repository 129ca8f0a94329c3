/**
 * A fresh, migrated store per call, in either dialect. PostgreSQL tests get their own schema in the
 * test database, so suites run in parallel; when PostgreSQL is unreachable they fail, never skip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase } from '../../src/store/db.js';
import { openStore } from '../../src/store/knex-store.js';
import type { KnexStore } from '../../src/store/knex-store.js';

export const dialects = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof dialects)[number];

export const postgresTestUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestStore {
  store: KnexStore;
  /** The data directory (SQLite: where the database file is). */
  dataDir: string;
  cleanup: () => Promise<void>;
}

export async function testStore(
  dialect: TestDialect,
  options: { migrate?: boolean } = {},
): Promise<TestStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gateway-store-'));
  const removeDataDir = () => rm(dataDir, { recursive: true, force: true });
  if (dialect === 'sqlite') {
    const store = await openStore({ dataDir, ...options });
    return {
      store,
      dataDir,
      cleanup: async () => {
        await store.close();
        await removeDataDir();
      },
    };
  }

  const schema = `t_${randomBytes(8).toString('hex')}`;
  const admin = createDatabase({ url: postgresTestUrl, dataDir, poolMax: 1 });
  const dropSchema = async () => {
    await admin.raw('drop schema if exists ?? cascade', [schema]);
    await admin.destroy();
    await removeDataDir();
  };
  try {
    await admin.raw('create schema ??', [schema]);
    const store = await openStore({
      url: postgresTestUrl,
      dataDir,
      searchPath: schema,
      poolMax: 12,
      ...options,
    });
    return {
      store,
      dataDir,
      cleanup: async () => {
        await store.close();
        await dropSchema();
      },
    };
  } catch (err) {
    await dropSchema().catch(() => undefined);
    throw err;
  }
}
