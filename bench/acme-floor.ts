/**
 * The floor under the ACME CPU target: the server CPU of one ACME POST when a Node server does
 * nothing but what every POST needs (bench/acme/floor-server.ts), then with Express, with the
 * gateway's knex client, and with both. A certificate takes seven POSTs plus a validation and an
 * issuance, so seven times the floor bounds from below what any Node gateway can spend per
 * certificate; compare it with Pebble's CPU per certificate from bench/acme.ts.
 *
 *   npx tsx bench/acme-floor.ts [--c 8] [--n 4000]
 */
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { treeCpuMs } from './proc-cpu.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : fallback;
const concurrency = option('c', 8);
const count = option('n', 4000);
const POSTS_PER_CERTIFICATE = 7;
const work = mkdtempSync(join(tmpdir(), 'acme-floor-'));
const server = resolve(import.meta.dirname, 'acme/floor-server.ts');

spawnSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', join(work, 'key.pem'), '-out', join(work, 'cert.pem'), '-days', '1',
  '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
]); // prettier-ignore

const account = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = account.publicKey.export({ format: 'jwk' });

function post(agent: Agent, port: number, nonce: string): Promise<string> {
  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  const url = `https://localhost:${port}/floor`;
  const prot = b64(JSON.stringify({ alg: 'ES256', kid: 'acct', jwk, nonce, url }));
  const payload = b64('{}');
  const signature = sign('sha256', Buffer.from(`${prot}.${payload}`), {
    key: account.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  const body = JSON.stringify({ protected: prot, payload, signature });
  return new Promise((res, rej) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/jose+json', 'content-length': Buffer.byteLength(body) },
      },
      (reply) => {
        reply.resume();
        reply.on('end', () => res(String(reply.headers['replay-nonce'])));
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

async function measure(mode: string, port: number): Promise<{ perSecond: number; cpuUs: number }> {
  const dataDir = join(work, mode);
  mkdirSync(dataDir);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', server, String(port), dataDir, join(work, 'key.pem'), join(work, 'cert.pem')],
    { env: { ...process.env, FLOOR_MODE: mode }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res());
    child.on('exit', (code) => rej(new Error(`the ${mode} server exited (${code})`)));
  });
  const agent = new Agent({
    keepAlive: true,
    maxSockets: concurrency,
    ca: readFileSync(join(work, 'cert.pem')),
  });
  try {
    const run = async (n: number) => {
      let sent = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          let nonce = await post(agent, port, 'AAAA');
          while (sent++ < n) nonce = await post(agent, port, nonce);
        }),
      );
    };
    await run(count / 4); // warm-up: JIT, TLS sessions, the database file
    const cpuBefore = treeCpuMs(child.pid as number);
    const started = performance.now();
    await run(count);
    const seconds = (performance.now() - started) / 1000;
    return {
      perSecond: count / seconds,
      cpuUs: ((treeCpuMs(child.pid as number) - cpuBefore) * 1000) / count,
    };
  } finally {
    agent.destroy();
    child.kill('SIGKILL');
  }
}

try {
  console.log(`ACME POST floor, C=${concurrency}, ${count} POSTs per mode (server CPU from /proc)`);
  let port = 18_443;
  for (const mode of ['plain', 'express', 'knex', 'express+knex']) {
    const { perSecond, cpuUs } = await measure(mode, port++);
    const perCert = (cpuUs * POSTS_PER_CERTIFICATE) / 1000;
    console.log(
      `${mode.padEnd(13)} ${perSecond.toFixed(0).padStart(6)} POST/s  ${cpuUs.toFixed(0).padStart(4)} µs CPU/POST  ×${POSTS_PER_CERTIFICATE} = ${perCert.toFixed(2)} ms per certificate before validation and issuance`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
