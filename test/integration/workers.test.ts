/**
 * `serve` with workers = 2 on SQLite: a primary and two worker processes sharing the listeners and
 * one database file. Real processes, real SCEP enrolments over HTTP, real signals.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsr } from '../../src/core/csr/build.js';
import { pkiMessage, readCertRep, selfSignedSigner } from '../helpers/scep-client.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Pids of the running children of `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('serve with two worker processes (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-workers-'));
  let primary: ChildProcess;
  let output = '';
  let scepUrl = '';
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) =>
    run('node', ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env, timeout: 60_000 });

  beforeAll(async () => {
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    env = {
      ...process.env,
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_HTTPS_PORT: String(httpsPort),
      GATEWAY_HTTP_PORT: String(httpPort),
      GATEWAY_WORKERS: '2',
      GATEWAY_LOG_LEVEL: 'info',
    };
    await cli('init');
    await cli('profile', 'create', '--name', 'w', '--settings', '{"scep":{"caCertFormat":"ra-only"}}');
    await cli(
      'code',
      'create',
      '--profile',
      'w',
      '--purpose',
      'scep-challenge',
      '--secret',
      's3cret',
      '--reusable',
    );
    primary = spawn('node', ['--import', 'tsx', 'src/cli.ts', 'serve'], { cwd: root, env });
    primary.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    primary.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await until('both workers listening', () => (output.includes('"workers":2') ? true : null), 60_000);
    scepUrl = `http://127.0.0.1:${httpPort}/scep/w`;
  }, 120_000);

  afterAll(async () => {
    if (primary.exitCode === null) {
      primary.kill('SIGKILL');
      for (const pid of childrenOf(primary.pid as number)) process.kill(pid, 'SIGKILL');
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function enrol(count: number, concurrency: number): Promise<string[]> {
    const ra = new Uint8Array(await (await fetch(`${scepUrl}?operation=GetCACert`)).arrayBuffer());
    const recipient = AsnConvert.parse(ra, Certificate);
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signer = selfSignedSigner(key);
    let next = 0;
    const serials: string[] = [];
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const csr = buildCsr({ ...key, subject: `CN=worker-test-${i}`, challengePassword: 's3cret' });
        const { der } = pkiMessage({ messageType: 19, signer, recipient, content: csr });
        const res = await fetch(`${scepUrl}?operation=PKIOperation`, { method: 'POST', body: der });
        expect(res.status).toBe(200);
        const rep = readCertRep(new Uint8Array(await res.arrayBuffer()), signer);
        expect(rep.pkiStatus, rep.failInfoText ?? '').toBe('0');
        const cert = rep.certificates[0] as Certificate;
        serials.push(Buffer.from(cert.tbsCertificate.serialNumber).toString('hex'));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return serials;
  }

  it('When the primary is up, Then it runs two workers and printed the URLs once, not once per worker', () => {
    expect(output.match(/ACME and admin API: {2}https:\/\/localhost:\d+/g)).toHaveLength(1);
    expect(childrenOf(primary.pid as number)).toHaveLength(2);
  });

  it('When 40 SCEP enrolments arrive 8 at a time, Then all are issued with distinct serials and the audit chain of both writers verifies', async () => {
    const serials = await enrol(40, 8);
    expect(serials).toHaveLength(40);
    expect(new Set(serials).size).toBe(40);
    const { stdout } = await cli('audit', 'verify');
    expect(stdout).toMatch(/^audit chain intact: \d+ events/);
  }, 120_000);

  it('When a worker is killed, Then the primary starts a replacement and enrolment goes on', async () => {
    const [victim] = childrenOf(primary.pid as number);
    process.kill(victim as number, 'SIGKILL');
    await until('a replacement worker', () => {
      const now = childrenOf(primary.pid as number);
      return now.length === 2 && !now.includes(victim as number) ? now : null;
    });
    await until('the replacement listening', () =>
      (output.match(/a worker died; starting a replacement/g) ?? []).length === 1 ? true : null,
    );
    expect(await enrol(4, 2)).toHaveLength(4);
  }, 120_000);

  it('When the primary gets SIGTERM, Then the workers stop and it exits with 0', async () => {
    const workers = childrenOf(primary.pid as number);
    const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
    primary.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(workers.filter(existsProcess)).toEqual([]);
  }, 60_000);
});

function existsProcess(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
