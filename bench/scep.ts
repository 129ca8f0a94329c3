/**
 * SCEP enrolments per second, the gateway against micromdm's scepserver, side by side in one run:
 * p50/p99 latency, server CPU ms per enrolment, failures and duplicate serial numbers, at each
 * concurrency, then the ratios. Run through bench/scep.sh (a private network namespace: scepserver
 * 2.1.0 cannot bind to loopback only).
 *   bench/scep.sh [--driver inprocess|scepclient] [--n 200] [--concurrency 1,8] [--workers 1,2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { firstError, inprocess, prepare, prepareKeys, scepclient, type Run } from './scep/drivers.js';
import { treeCpuMs } from './proc-cpu.js';
import { startGateway, startScepserver, type Server } from './scep/servers.js';

const { values } = parseArgs({
  options: {
    driver: { type: 'string', default: 'inprocess' },
    n: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '1,8' },
    workers: { type: 'string', default: '1,2' },
  },
});
const driver = values.driver === 'scepclient' ? 'scepclient' : 'inprocess';
const n = Math.min(Number(values.n), 2000);
const levels = (values.concurrency ?? '1,8').split(',').map(Number);
const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'scep-bench-'));

interface Result {
  server: string;
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuPerEnrolment: number;
  failures: number;
  duplicates: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

async function measure(server: Server, concurrency: number, round: number): Promise<Result> {
  const tag = `${server.name}-${concurrency}-${round}`;
  const load =
    driver === 'inprocess'
      ? (
          (m) => () =>
            inprocess(server, m, concurrency)
        )(prepare(server, n, tag))
      : (
          (k) => () =>
            scepclient(server, k, concurrency, tag)
        )(await prepareKeys(join(work, tag), n));
  const cpuBefore = treeCpuMs(server.pid);
  const { samples, seconds }: Run = await load();
  const cpu = treeCpuMs(server.pid) - cpuBefore;
  const ok = samples.filter((s) => s.ok);
  const serials = ok.map((s) => s.serial);
  const latencies = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    server: server.name,
    concurrency,
    perSecond: ok.length / seconds,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    cpuPerEnrolment: cpu / Math.max(1, ok.length),
    failures: samples.length - ok.length,
    duplicates: serials.length - new Set(serials).size,
  };
}

const servers: Server[] = [];
for (const workers of (values.workers ?? '1').split(',').map(Number)) {
  const dir = join(work, `gateway-${workers}`);
  servers.push(await startGateway(root, dir, { allowDes: driver === 'scepclient', workers }));
}
servers.push(await startScepserver(join(work, 'scepserver')));
const results: Result[] = [];
try {
  for (const server of servers) {
    // Warm-up (JIT, connection pools, first CRL/DB pages), not counted.
    await inprocess(server, prepare(server, 30, `${server.name}-warm`), 4);
    for (const c of levels) results.push(await measure(server, c, 0));
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(work, { recursive: true, force: true });
}

console.log(`SCEP PKCSReq benchmark, driver=${driver}, ${n} enrolments per server and concurrency`);
console.log('server      C   enrol/s   p50 ms   p99 ms   server CPU ms/enrol   failures   duplicate serials');
for (const r of results) {
  console.log(
    `${r.server.padEnd(10)} ${String(r.concurrency).padStart(2)} ${r.perSecond.toFixed(1).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99
      .toFixed(1)
      .padStart(
        8,
      )} ${r.cpuPerEnrolment.toFixed(2).padStart(21)} ${String(r.failures).padStart(10)} ${String(r.duplicates).padStart(19)}`,
  );
}
for (const c of levels) {
  const s = results.find((r) => r.server === 'scepserver' && r.concurrency === c);
  for (const g of results.filter((r) => r.server.startsWith('gateway') && r.concurrency === c)) {
    if (!s) continue;
    console.log(
      `C=${c}: ${g.server}/scepserver rate ×${(g.perSecond / s.perSecond).toFixed(2)}, p99 ×${(g.p99 / s.p99).toFixed(2)}, CPU/enrol ×${(g.cpuPerEnrolment / s.cpuPerEnrolment).toFixed(2)}`,
    );
  }
}
if (firstError) console.log(`first scepclient failure: ${firstError}`);
console.log(JSON.stringify(results));
