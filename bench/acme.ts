/**
 * ACME benchmark: Pebble (the reference, in memory) and the gateway (SQLite and PostgreSQL, every
 * object stored durably) side by side in one run, each doing the same work: real http-01 validation
 * against the driver, names resolved by pebble-challtestsrv. For C = 1, 8, 32 it prints certs/s,
 * p50/p99 latency and the server process's CPU ms per certificate (/proc before and after), then
 * the gateway/Pebble ratios. Bounded: a fixed count per run and a deadline.
 *
 *   npm run build && npx tsx bench/acme.ts [--quick] [--only pebble,sqlite,postgres,sqlite:2,postgres:2] [--c 1,8,32]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requestCounts, runLoad, type DriverResult } from './acme/driver.js';
import { threadCpuMs, treeCpuMs } from './proc-cpu.js';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
/** The value after --name, or `fallback` when the flag is absent. */
const option = (name: string, fallback: string) =>
  args.includes(`--${name}`) ? (args[args.indexOf(`--${name}`) + 1] ?? fallback) : fallback;
const quick = flag('quick');
/** pebble, or a gateway as dialect[:workers]: sqlite, postgres, sqlite:2… */
const targets = option('only', 'pebble,sqlite,postgres,sqlite:2,postgres:2').split(',');
const levels = option('c', '1,8,32').split(',').map(Number);
const countFor = (c: number) => (quick ? 20 * c : c === 1 ? 100 : c === 8 ? 400 : 800);
const work = mkdtempSync(join(tmpdir(), 'acme-bench-'));
const started: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function start(cmd: string, argv: string[], env: Record<string, string>, log: string): ChildProcess {
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  child.stdout?.on('data', (d: Buffer) => out.push(d));
  child.stderr?.on('data', (d: Buffer) => out.push(d));
  child.on('exit', () => writeFileSync(join(work, log), Buffer.concat(out)));
  started.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function waitFor(url: string, caFile: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited`);
    const r = spawnSync('curl', ['-fsS', '--max-time', '1', '--cacert', caFile, url]);
    if (r.status === 0) return;
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`${url} never answered`);
}

function pebbleTls(): string {
  const ssl = (a: string[]) => {
    const r = spawnSync('openssl', a, { cwd: work });
    if (r.status !== 0) throw new Error(`openssl ${a.join(' ')}: ${r.stderr.toString()}`);
  };
  ssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=bench root',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  ssl([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    'pebble.key',
    '-out',
    'pebble.csr',
  ]);
  writeFileSync(join(work, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl([
    'x509',
    '-req',
    '-in',
    'pebble.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
    '-out',
    'pebble.pem',
  ]);
  return join(work, 'ca.pem');
}

interface Server {
  child: ChildProcess;
  directory: string;
  caFile: string;
}

async function startPebble(dnsPort: number, http01Port: number): Promise<Server> {
  const caFile = join(work, 'ca.pem');
  const port = await freePort();
  const config = join(work, 'pebble.json');
  writeFileSync(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${port}`,
        managementListenAddress: `127.0.0.1:${await freePort()}`,
        certificate: join(work, 'pebble.pem'),
        privateKey: join(work, 'pebble.key'),
        httpPort: http01Port,
        tlsPort: await freePort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const child = start(
    'pebble',
    ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`],
    {
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
    },
    'pebble.log',
  );
  const directory = `https://127.0.0.1:${port}/dir`;
  await waitFor(directory, caFile, child);
  return { child, directory, caFile };
}

async function startGateway(
  target: string,
  dnsPort: number,
  http01Port: number,
  run: string,
): Promise<Server> {
  const [dialect, workers = '1'] = target.split(':');
  const dataDir = join(work, `gw-${run}`);
  const https = await freePort();
  const env: Record<string, string> = {
    GATEWAY_DATA_DIR: dataDir,
    GATEWAY_HTTPS_PORT: String(https),
    GATEWAY_HTTP_PORT: String(await freePort()),
    GATEWAY_ACME_DNS_RESOLVER: `127.0.0.1:${dnsPort}`,
    GATEWAY_ACME_HTTP01_PORT: String(http01Port),
    GATEWAY_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    GATEWAY_WORKERS: workers,
  };
  if (dialect === 'postgres') {
    const db = `bench_${run.replace(/\W/g, '_')}_${process.pid}`;
    spawnSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'test', '-qc', `create database ${db}`]);
    env.GATEWAY_DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${db}`;
    env.GATEWAY_DATABASE_POOL_MAX = '10';
  }
  const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
  const child = start(
    'node',
    [...nodeArgs, join(ROOT, 'dist/src/cli.js'), 'serve'],
    env,
    `gateway-${run}.log`,
  );
  const caFile = join(dataDir, 'root-ca.pem');
  await new Promise((r) => setTimeout(r, 300));
  for (let i = 0; i < 100 && spawnSync('test', ['-f', caFile]).status !== 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  await waitFor(`https://localhost:${https}/healthz`, caFile, child);
  return { child, directory: `https://localhost:${https}/acme/directory`, caFile };
}

interface Row {
  target: string;
  c: number;
  result: DriverResult;
  cpuMs: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const certsPerSecond = (r: Row) => (r.result.completed * 1000) / r.result.wallMs;
const cpuPerCert = (r: Row) => r.cpuMs / Math.max(1, r.result.completed);

async function main(): Promise<void> {
  if (spawnSync('test', ['-f', join(ROOT, 'dist/src/cli.js')]).status !== 0)
    throw new Error('run npm run build first');
  pebbleTls();
  const dnsPort = await freePort();
  start(
    'pebble-challtestsrv',
    [
      '-dns01',
      `127.0.0.1:${dnsPort}`,
      '-http01',
      '',
      '-https01',
      '',
      '-tlsalpn01',
      '',
      '-management',
      `127.0.0.1:${await freePort()}`,
      '-defaultIPv6',
      '',
    ],
    {},
    'challtestsrv.log',
  );
  await new Promise((r) => setTimeout(r, 300));
  const rows: Row[] = [];
  for (const target of targets) {
    for (const c of levels) {
      const http01Port = await freePort();
      const run = `${target.replace(':', 'w')}-c${c}`; // part of DNS names: no ":"
      const server =
        target === 'pebble'
          ? await startPebble(dnsPort, http01Port)
          : await startGateway(target, dnsPort, http01Port, run);
      let cpuBefore = 0;
      let threadsBefore = new Map<string, number>();
      const pid = server.child.pid as number;
      const result = await runLoad(
        {
          directory: server.directory,
          caFile: server.caFile,
          concurrency: c,
          count: countFor(c),
          http01Port,
          suffix: 'bench.test',
          runId: run,
          deadlineMs: 120_000,
        },
        () => {
          cpuBefore = treeCpuMs(pid);
          if (process.env.BENCH_THREADS) threadsBefore = threadCpuMs(pid);
        },
      ).catch((err: unknown): DriverResult => ({
        completed: 0,
        failed: countFor(c),
        wallMs: 1,
        latenciesMs: [],
        errors: [String(err)],
        driverCpuMs: 0,
      }));
      const row = { target, c, result, cpuMs: cpuBefore ? treeCpuMs(pid) - cpuBefore : NaN };
      if (process.env.BENCH_THREADS) {
        const after = [...threadCpuMs(pid)].map(
          ([name, ms]) => `${name} ${ms - (threadsBefore.get(name) ?? 0)}`,
        );
        console.log(`  threads (CPU ms): ${after.join(', ')}`);
      }
      rows.push(row);
      await stop(server.child);
      if (process.env.BENCH_REQUESTS) {
        const per = [...requestCounts].map(
          ([k, n]) => `${k} ${(n / Math.max(1, result.completed)).toFixed(2)}`,
        );
        console.log(`  requests per certificate: ${per.join(', ')}`);
      }
      console.log(
        `${target.padEnd(8)} C=${String(c).padEnd(2)} ${result.completed}/${countFor(c)} certs  ${certsPerSecond(row).toFixed(1).padStart(6)} certs/s  ` +
          `p50 ${percentile(result.latenciesMs, 50).toFixed(0).padStart(4)} ms  p99 ${percentile(result.latenciesMs, 99).toFixed(0).padStart(4)} ms  ` +
          `CPU ${cpuPerCert(row).toFixed(2).padStart(6)} ms/cert (driver ${(result.driverCpuMs / Math.max(1, result.completed)).toFixed(2)})  failed ${result.failed}${result.errors.length ? `  (${result.errors[0]})` : ''}`,
      );
    }
  }
  console.log('\nratios against Pebble (certs/s ×, CPU per cert ×, p99 ms):');
  for (const target of targets.filter((t) => t !== 'pebble')) {
    for (const c of levels) {
      const g = rows.find((r) => r.target === target && r.c === c);
      const p = rows.find((r) => r.target === 'pebble' && r.c === c);
      if (!g || !p) continue;
      if (p.result.failed > 0) {
        console.log(
          `${target.padEnd(8)} C=${String(c).padEnd(2)} no ratio: Pebble failed ${p.result.failed} of ${countFor(c)} (it hung)`,
        );
        continue;
      }
      console.log(
        `${target.padEnd(8)} C=${String(c).padEnd(2)} throughput ×${(certsPerSecond(g) / certsPerSecond(p)).toFixed(2)}  ` +
          `CPU/cert ×${(cpuPerCert(g) / cpuPerCert(p)).toFixed(2)}  p99 ${percentile(g.result.latenciesMs, 99).toFixed(0)} ms vs ${percentile(p.result.latenciesMs, 99).toFixed(0)} ms`,
      );
    }
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    for (const child of started) await stop(child);
    if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
    else console.log(`work kept in ${work}`);
  });
