/**
 * Several instances started at once on one empty PostgreSQL database, through openGateway (what
 * `serve`, `init` and the cluster primary call): migrations and the first-start bootstrap (CA,
 * default profile, first admin token) run once, whoever comes first, and every instance starts.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/http/logger.js';
import { openGateway, type Gateway } from '../../src/main.js';
import { createDatabase } from '../../src/store/db.js';
import { postgresTestUrl } from '../helpers/db.js';

describe('several instances starting at once on an empty PostgreSQL database', () => {
  const schema = `t_${randomBytes(8).toString('hex')}`;
  const admin = createDatabase({ url: postgresTestUrl, dataDir: tmpdir(), poolMax: 1 });
  const dataDirs: string[] = [];
  const masterKey = randomBytes(32).toString('base64');
  // The schema travels in the URL (libpq's options), as an operator would configure it.
  const url = `${postgresTestUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;

  beforeAll(async () => {
    await admin.raw('create schema ??', [schema]);
  });
  afterAll(async () => {
    await admin.raw('drop schema if exists ?? cascade', [schema]);
    await admin.destroy();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  const instance = () => {
    // Each instance on its own machine: its own data directory, the shared master key and database.
    const dataDir = mkdtempSync(join(tmpdir(), 'gateway-start-'));
    dataDirs.push(dataDir);
    const config = loadConfig({
      env: {
        GATEWAY_DATA_DIR: dataDir,
        GATEWAY_DATABASE_URL: url,
        GATEWAY_MASTER_KEY: masterKey,
        // The lock is held outside the pool: even a pool of one connection starts.
        GATEWAY_DATABASE_POOL_MAX: '1',
      },
    });
    return openGateway(config, createLogger('silent'));
  };

  it('When three start together, Then all start, with one CA, one default profile and one first token', async () => {
    const started = await Promise.allSettled([instance(), instance(), instance()]);
    const gateways = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []))).toEqual([]);
      expect(gateways.filter((g: Gateway) => g.bootstrapToken !== null)).toHaveLength(1);
      expect(new Set(gateways.map((g) => g.ca.rootCertificatePem)).size).toBe(1);
      const count = async (table: string) =>
        Number(((await admin.withSchema(schema).from(table).count({ n: '*' })) as { n: string }[])[0]?.n);
      expect(await count('ca_material')).toBe(1);
      expect(await count('profiles')).toBe(1);
      expect(await count('api_tokens')).toBe(1);
      expect((await gateways[0]?.core.verifyAuditChain())?.ok).toBe(true);
    } finally {
      await Promise.all(gateways.map((g) => g.store.close()));
    }
  });
});
