/**
 * The CLI reads input as the admin API does: `profile create --settings` refuses and names a misspelt
 * key (exit 1, nothing created) and merges a partial group onto the defaults; `token create` refuses
 * a subject with a control or bidirectional character.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultProfileSettings } from '../../src/core/profiles/profile.js';
import { openStore } from '../../src/store/knex-store.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

describe('CLI input (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-cli-profile-'));
  const env = { ...process.env, GATEWAY_DATA_DIR: dataDir, GATEWAY_LOG_LEVEL: 'warn' };
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run('node', ['--import', 'tsx', 'src/cli.ts', ...args], {
        cwd: root,
        env,
        timeout: 120_000,
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('When a key is misspelt, Then exit 1 naming it; a partial group is merged as the API merges it', async () => {
    const typo = await cli(
      'profile',
      'create',
      '--name',
      'typo',
      '--settings',
      '{"aproval":{"required":true}}',
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--settings: settings.aproval: Unknown key');

    const ok = await cli(
      'profile',
      'create',
      '--name',
      'gated',
      '--settings',
      '{"approval":{"required":true}}',
    );
    expect(ok.code).toBe(0);
    const store = await openStore({ dataDir, migrate: false });
    try {
      expect(await store.profiles.getByName('typo')).toBeNull();
      expect((await store.profiles.getByName('gated'))?.approval).toEqual({
        ...defaultProfileSettings().approval,
        required: true,
      });
    } finally {
      await store.close();
    }
  }, 240_000);

  it('When a token subject holds a right-to-left override, Then exit 1 with the position and no token', async () => {
    const res = await cli('token', 'create', '--subject', 'ali\u202Ece', '--role', 'approver');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'The token subject contains a bidirectional control character (U+202E) at position 4',
    );
    expect(res.stdout).not.toContain('egw_');
  }, 240_000);
});
