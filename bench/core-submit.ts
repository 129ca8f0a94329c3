/**
 * The enrolment core's write path in-process: `core.submit()` on a no-approval profile, on a real
 * store (SQLite in a temp dir; PostgreSQL in a fresh schema of the test database) with a real LocalCa.
 * For each dialect and concurrency: throughput, p50/p99 latency, process CPU per enrolment
 * (process.cpuUsage: this process only, so PostgreSQL's own server CPU is not in it), and SQL
 * statements per enrolment (knex 'query' events, including BEGIN/COMMIT). A reference row gives the
 * cost of what no store change can remove: CSR parse + verify and the CA signature.
 *
 * Bounded: N enrolments per cell after a warm-up. Run with
 *   npx tsx bench/core-submit.ts [--n 300] [--concurrency 1,8] [--dialects sqlite,postgres]
 * PostgreSQL: TEST_POSTGRES_URL or postgres://postgres@127.0.0.1:5432/test.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { LocalCa } from '../ca/local/local-ca.js';
import { Core } from '../src/core/core.js';
import { buildCsr } from '../src/core/csr/build.js';
import { parseCsr } from '../src/core/csr/parse.js';
import { systemClock } from '../src/core/ports.js';
import { deriveKeys } from '../src/core/secrets/keys.js';
import { createDatabase } from '../src/store/db.js';
import { openStore, type KnexStore } from '../src/store/knex-store.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '1,8' },
    dialects: { type: 'string', default: 'sqlite,postgres' },
  },
});
const n = Math.min(5000, Math.max(10, Number(values.n)));
const concurrencies = values.concurrency.split(',').map(Number);
const dialects = values.dialects.split(',') as ('sqlite' | 'postgres')[];
const warmup = 30;
const postgresUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Opened {
  store: KnexStore;
  close: () => Promise<void>;
}

async function open(dialect: 'sqlite' | 'postgres'): Promise<Opened> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-core-'));
  if (dialect === 'sqlite') {
    const store = await openStore({ dataDir });
    return {
      store,
      close: async () => {
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const admin = createDatabase({ url: postgresUrl, dataDir, poolMax: 1 });
  await admin.raw('create schema ??', [schema]);
  const store = await openStore({ url: postgresUrl, dataDir, searchPath: schema, poolMax: 10 });
  return {
    store,
    close: async () => {
      await store.close();
      await admin.raw('drop schema if exists ?? cascade', [schema]);
      await admin.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** CSRs built before timing: each enrolment has its own key and names, as real devices do. */
function makeCsrs(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return buildCsr({ ...keys, subject: `CN=host${i}.bench.example`, dnsNames: [`host${i}.bench.example`] });
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

interface Row {
  label: string;
  c: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMs: number;
  sql: number | string;
}

async function run(dialect: 'sqlite' | 'postgres', c: number, csrs: Uint8Array[]): Promise<Row> {
  const { store, close } = await open(dialect);
  try {
    const ca = await LocalCa.open({
      store: store.caStore,
      passphrase: 'bench',
      keyAlgorithm: 'ecdsa-p256',
      commonName: 'Bench CA',
      rootValidityDays: 3650,
      issuingValidityDays: 1825,
      crlValidityHours: 24,
      crlUrl: 'http://localhost:8080/crl/issuing.crl',
      caIssuersUrl: 'http://localhost:8080/ca/issuing.crt',
    });
    const core = new Core({ store, ca, clock: systemClock, keys: deriveKeys(randomBytes(32)) });
    const profile = await core.createProfile({
      name: 'bench',
      actor: 'admin',
      status: 'active',
      settings: {},
    });
    let statements = 0;
    store.knex.on('query', () => statements++);
    const enrol = async (csr: Uint8Array) => {
      const result = await core.submit({ protocol: 'scep', profile: profile.name, requester: 'bench', csr });
      if (result.outcome !== 'issued') throw new Error(`not issued: ${result.outcome}`);
    };
    for (const csr of csrs.slice(0, warmup)) await enrol(csr);

    const work = csrs.slice(warmup, warmup + n);
    const latencies: number[] = [];
    let next = 0;
    statements = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: c }, async () => {
        for (let i = next++; i < work.length; i = next++) {
          const start = performance.now();
          await enrol(work[i] as Uint8Array);
          latencies.push(performance.now() - start);
        }
      }),
    );
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const verdict = await core.verifyAuditChain();
    if (!verdict.ok) throw new Error('the audit chain does not verify');
    latencies.sort((a, b) => a - b);
    return {
      label: dialect,
      c,
      perSecond: (work.length / elapsed) * 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (cpu.user + cpu.system) / 1000 / work.length,
      sql: statements / work.length,
    };
  } finally {
    await close();
  }
}

/** What remains without any store: parse + verify the CSR and sign, sequentially. */
async function reference(csrs: Uint8Array[]): Promise<Row> {
  const { store, close } = await open('sqlite');
  try {
    const ca = await LocalCa.open({
      store: store.caStore,
      passphrase: 'bench',
      keyAlgorithm: 'ecdsa-p256',
      rootValidityDays: 3650,
      issuingValidityDays: 1825,
      crlValidityHours: 24,
      crlUrl: 'http://localhost:8080/crl/issuing.crl',
      caIssuersUrl: 'http://localhost:8080/ca/issuing.crt',
    });
    const work = csrs.slice(warmup, warmup + n);
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (const csrDer of work) {
      const start = performance.now();
      const csr = parseCsr(csrDer);
      const notBefore = new Date();
      await ca.issue({
        csrDer,
        template: {
          dnsNames: csr.dnsNames,
          ipAddresses: [],
          notBefore,
          notAfter: new Date(notBefore.getTime() + 90 * 86_400_000),
          keyUsage: ['digitalSignature'],
          extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
        },
      });
      latencies.push(performance.now() - start);
    }
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    latencies.sort((a, b) => a - b);
    return {
      label: 'parse + sign only',
      c: 1,
      perSecond: (work.length / elapsed) * 1000,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpuMs: (cpu.user + cpu.system) / 1000 / work.length,
      sql: '-',
    };
  } finally {
    await close();
  }
}

const csrs = makeCsrs(warmup + n);
const rows: Row[] = [await reference(csrs)];
for (const dialect of dialects) {
  for (const c of concurrencies) rows.push(await run(dialect, c, csrs));
}

console.log(`core.submit(), no approval, n=${n} per row (after ${warmup} warm-up), ECDSA P-256 CA`);
console.log('| store | C | enrol/s | p50 / p99 ms | CPU ms/enrol | SQL/enrol |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  const sql = typeof r.sql === 'number' ? r.sql.toFixed(1) : r.sql;
  console.log(
    `| ${r.label} | ${r.c} | ${r.perSecond.toFixed(1)} | ${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${sql} |`,
  );
}
