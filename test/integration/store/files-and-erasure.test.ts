/**
 * What the SQLite store leaves on disk: the data directory and the database files are owner-only
 * whatever the umask, an existing open directory is warned about, and an erased P12 key is found
 * neither in the database file nor in its WAL. SQLite only: on PostgreSQL the files are the server's.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { purgeExpiredP12Keys } from '../../../src/core/p12/purge-keys.js';
import { createLogger } from '../../../src/http/logger.js';
import { openGateway } from '../../../src/main.js';
import { adminHarness, type AdminHarness } from '../admin/harness.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;
const dbFiles = (dir: string) =>
  ['gateway.sqlite', 'gateway.sqlite-wal', 'gateway.sqlite-shm'].map((f) => join(dir, f));

/** Opens (and closes) a gateway on `dataDir` under `umask`; the log it wrote. */
async function openUnder(umask: number, dataDir: string): Promise<string> {
  const logs = new PassThrough();
  let text = '';
  logs.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const previous = process.umask(umask);
  try {
    const gateway = await openGateway(
      loadConfig({ env: { GATEWAY_DATA_DIR: dataDir, GATEWAY_LOG_LEVEL: 'warn' } }),
      createLogger('warn', logs),
    );
    // A write after the first start, so that the WAL and shared-memory files exist.
    await gateway.core.createProfile({ name: `p-${Date.now()}`, actor: 'test' });
    for (const file of dbFiles(dataDir)) expect(existsSync(file)).toBe(true);
    // Modes are read while the connection is open: SQLite removes the WAL at a clean close.
    const modes = dbFiles(dataDir).map(modeOf);
    await gateway.store.close();
    expect(modes).toEqual([0o600, 0o600, 0o600]);
    return text;
  } finally {
    process.umask(previous);
  }
}

describe('data directory and database files (SQLite)', () => {
  const root = mkdtempSync(join(tmpdir(), 'gateway-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['022', 0o022],
    ['000', 0o000],
  ])(
    'When the gateway creates its data directory under umask %s, Then the directory is 0700 and every database file 0600',
    async (_, umask) => {
      const dataDir = join(root, `u${umask.toString(8)}`, 'data');
      const log = await openUnder(umask, dataDir);
      expect(modeOf(join(root, `u${umask.toString(8)}`))).toBe(0o700);
      expect(modeOf(dataDir)).toBe(0o700);
      expect(modeOf(join(dataDir, 'master.key'))).toBe(0o600);
      expect(log).not.toContain('data directory is open');
    },
  );

  it('When the directory already exists open to others and the database is 0644, Then the files are made 0600 and a warning names the directory', async () => {
    const dataDir = join(root, 'existing');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    await openUnder(0o022, dataDir);
    chmodSync(join(dataDir, 'gateway.sqlite'), 0o644);
    const log = await openUnder(0o022, dataDir);
    const warning = log
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; dataDir?: string; mode?: string })
      .find((line) => line.msg.includes('data directory is open'));
    expect(warning).toMatchObject({ dataDir, mode: '755' });
    // The operator's directory keeps its mode; only the warning tells them.
    expect(modeOf(dataDir)).toBe(0o755);
  });
});

describe('erased P12 keys (SQLite)', () => {
  let h: AdminHarness;
  let filename: string;
  beforeAll(async () => {
    h = await adminHarness('sqlite');
    filename = (h.store.knex.client.config as { connection: { filename: string } }).connection.filename;
    await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({ name: 'p12', status: 'active', settings: { keyPolicy: { generate: 'rsa-2048' } } })
      .expect(201);
  });
  afterAll(() => h.cleanup());

  /** Whether the database file or its WAL still holds `text` (or a 48-character piece of its middle). */
  const onDisk = (text: string) => {
    const middle = text.slice(text.length / 2 - 24, text.length / 2 + 24);
    return [filename, `${filename}-wal`]
      .filter(existsSync)
      .map((path) => readFileSync(path).toString('latin1'))
      .some((bytes) => bytes.includes(text) || bytes.includes(middle));
  };

  const enrol = async (name: string) => {
    const res = await h.api
      .post('/api/v1/enrollments/p12')
      .set(h.as('alice'))
      .send({ profile: 'p12', dnsNames: name })
      .expect(201);
    const id = res.body.request.id as string;
    const sealed = (await h.store.p12Deliveries.get(id))?.keySealed ?? '';
    expect(sealed.length).toBeGreaterThan(1000);
    expect(onDisk(sealed)).toBe(true);
    return { id, sealed };
  };

  it('When a P12 is downloaded, Then its sealed key is in neither the database file nor the WAL', async () => {
    const { id, sealed } = await enrol('downloaded.example.net');
    await h.api.post(`/api/v1/requests/${id}/p12`).set(h.as('alice')).expect(200);
    expect(onDisk(sealed)).toBe(false);
  });

  it('When a sealed key expires and is purged, Then it is gone from the files too', async () => {
    const { sealed } = await enrol('expired.example.net');
    h.clock.advance(3_600_001);
    expect(await purgeExpiredP12Keys(h.core)).toBe(1);
    expect(onDisk(sealed)).toBe(false);
  });
});
