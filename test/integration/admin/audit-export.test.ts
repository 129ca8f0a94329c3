/** The audit export is the format `enrollment-gateway audit verify --file` checks, and the CLI finds a forged line. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, text, type AdminHarness } from './harness.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../../..');

async function verifyFile(path: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'audit', 'verify', '--file', path],
      {
        cwd: root,
        env: { ...process.env, GATEWAY_DATA_DIR: join(tmpdir(), 'unused-gateway-dir') },
      },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

describe.each(dialects)('audit export on %s', (dialect) => {
  let h: AdminHarness;
  const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
  beforeAll(async () => {
    h = await adminHarness(dialect);
    await h.api
      .post('/api/v1/enrollments/p10')
      .set(h.as('alice'))
      .send({ profile: (await h.profile()).name, csr: makeCsr({ dnsNames: ['e.example.net'] }).pem })
      .expect(201);
  });
  afterAll(async () => {
    await h.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('When the whole log is exported, Then the CLI verifies it, and a forged line is pointed at', async () => {
    const res = await h.api
      .get('/api/v1/audit/export')
      .set(h.as('dave'))
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(res.headers['content-type']).toContain('application/x-ndjson');
    const lines = (res.body as string).trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    const first = JSON.parse(lines[0] ?? '{}');
    expect(Object.keys(first)).toEqual([
      'seq',
      'at',
      'actor',
      'action',
      'targetType',
      'targetId',
      'data',
      'prevHash',
      'hash',
    ]);
    const good = join(dir, `good-${dialect}.jsonl`);
    writeFileSync(good, res.body as string);
    const ok = await verifyFile(good);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`audit chain intact: ${lines.length} events`);

    const forged = lines.map((l) => JSON.parse(l));
    forged[5].actor = 'someone-else';
    const bad = join(dir, `bad-${dialect}.jsonl`);
    writeFileSync(bad, forged.map((e) => JSON.stringify(e)).join('\n'));
    const broken = await verifyFile(bad);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(`audit chain BROKEN at seq ${forged[5].seq}`);

    const slice = await h.api
      .get(`/api/v1/audit/export?from=${encodeURIComponent(forged[3].at)}`)
      .set(h.as('root'))
      .buffer(true)
      .parse(text)
      .expect(200);
    const sliced = join(dir, `slice-${dialect}.jsonl`);
    writeFileSync(sliced, slice.body as string);
    expect((await verifyFile(sliced)).code).toBe(0);
    await h.api.get('/api/v1/audit/export').set(h.as('alice')).expect(403);
    // Three CLI processes each compile the sources with tsx: seconds apiece on a busy machine.
  }, 120_000);
});
