/**
 * SQL statements per ACME certificate, by phase: an in-process gateway (SQLite, or PostgreSQL with
 * --postgres) whose knex 'query' events are counted while one client walks the flow sequentially
 * (newNonce, newOrder, authz, challenge, validation, authz poll, finalize, order poll, certificate).
 * Validation is switched to always-valid so that no network is involved; its statements are the same,
 * but its one write lands while the challenge POST is still being answered, so it is counted there.
 *
 *   npx tsx bench/acme-statements.ts [--postgres] [--count 20]
 */
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCsr } from '../src/core/csr/build.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/http/logger.js';
import { startGateway } from '../src/main.js';
import { b64, jwsClient } from './acme/jws-client.js';

const args = process.argv.slice(2);
const postgres = args.includes('--postgres');
const count = Number(args.includes('--count') ? args[args.indexOf('--count') + 1] : 20);
const dataDir = mkdtempSync(join(tmpdir(), 'acme-stmts-'));
const env: Record<string, string> = {
  GATEWAY_DATA_DIR: dataDir,
  GATEWAY_HTTPS_PORT: '0',
  GATEWAY_HTTP_PORT: '0',
  GATEWAY_ACME_ALWAYS_VALID: '1',
  GATEWAY_LOG_LEVEL: 'warn',
};
const pgDb = `stmts_${process.pid}`;
if (postgres) {
  spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${pgDb}`]);
  env.GATEWAY_DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${pgDb}`;
}

let phase = 'setup';
let counting = false;
const byPhase = new Map<string, Map<string, number>>();

/** "insert acme_orders", "select audit_events", "begin"… */
function label(sql: string): string {
  const s = sql.trim().toLowerCase();
  const verb = s.split(/\s+/)[0] ?? '?';
  const table = /(?:from|into|update|join)\s+["`]?(\w+)/.exec(s)?.[1] ?? '';
  return `${verb} ${table}`.trim();
}

async function main(): Promise<void> {
  const gw = await startGateway(loadConfig({ env }), createLogger('warn'));
  gw.store.knex.on('query', (q: { sql: string }) => {
    if (!counting) return;
    const m = byPhase.get(phase) ?? new Map<string, number>();
    const l = label(q.sql);
    m.set(l, (m.get(l) ?? 0) + 1);
    byPhase.set(phase, m);
  });
  const acme = await jwsClient(`https://localhost:${gw.ports.https}`, readFileSync(gw.rootCertificatePath));
  const dir = acme.directory;
  const post = (p: string, url: string, payload: unknown) => {
    phase = p;
    return acme.post(url, payload);
  };
  const one = async (i: number) => {
    phase = 'newNonce';
    await acme.newNonce();
    const name = `s${i}.bench.test`;
    const order = await post('newOrder', dir.newOrder as string, {
      identifiers: [{ type: 'dns', value: name }],
    });
    const authzUrl = (order.json.authorizations as string[])[0] as string;
    const authz = await post('authz', authzUrl, '');
    const ch = (authz.json.challenges as { url: string; token: string }[])[0];
    await post('challenge', ch?.url as string, {});
    phase = 'validation';
    await new Promise((r) => setTimeout(r, 50));
    for (;;) {
      const s = await post('authz poll', authzUrl, '');
      if (s.json.status === 'valid') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const csr = Buffer.from(buildCsr({ ...keys, subject: `CN=${name}`, dnsNames: [name] }));
    let state = await post('finalize', order.json.finalize as string, { csr: b64(csr) });
    while (state.json.status !== 'valid')
      state = await post('order poll', String(order.headers.location), '');
    await post('certificate', state.json.certificate as string, '');
  };
  try {
    phase = 'newAccount';
    await acme.newNonce();
    await acme.register();
    await one(-1);
    await one(-2);
    counting = true;
    for (let i = 0; i < count; i++) await one(i);
    counting = false;
    const order = [
      'newNonce',
      'newOrder',
      'authz',
      'challenge',
      'validation',
      'authz poll',
      'finalize',
      'order poll',
      'certificate',
    ];
    let total = 0;
    console.log(`SQL statements per certificate (${postgres ? 'PostgreSQL' : 'SQLite'}, mean of ${count}):`);
    for (const p of order) {
      const m = byPhase.get(p) ?? new Map<string, number>();
      const n = [...m.values()].reduce((a, b) => a + b, 0) / count;
      total += n;
      const detail = [...m].sort((a, b) => b[1] - a[1]).map(([l, c]) => `${l} ${+(c / count).toFixed(2)}`);
      console.log(`  ${p.padEnd(11)} ${n.toFixed(2).padStart(6)}  ${detail.join(', ')}`);
    }
    console.log(`  ${'total'.padEnd(11)} ${total.toFixed(2).padStart(6)}`);
  } finally {
    acme.close();
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
    if (postgres)
      spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `drop database ${pgDb}`]);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
