/**
 * The two servers the SCEP benchmark compares, each started as its own process so that its CPU time
 * can be read from /proc: the gateway (built dist/, SQLite) and micromdm's scepserver (Debian `scep`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface Server {
  name: string;
  url: string;
  pid: number;
  challenge: string;
  /** The certificate to encrypt PKCSReqs to (DER). */
  recipientDer: Uint8Array;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited with ${child.exitCode}`);
    try {
      // The gateway binds its port before it attaches the app: a request that early waits forever.
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

export async function startGateway(
  root: string,
  dir: string,
  options: { allowDes: boolean; workers: number },
): Promise<Server> {
  const [http, https] = [await freePort(), await freePort()];
  const env = { ...process.env, GATEWAY_DATA_DIR: join(dir, 'gw'), GATEWAY_LOG_LEVEL: 'warn' };
  const cli = (...args: string[]) =>
    execFileSync('node', [join(root, 'dist/src/cli.js'), ...args], { env, stdio: 'pipe' });
  cli('init');
  const scep = { allowDes: options.allowDes, caCertFormat: 'ra-only' };
  cli('profile', 'create', '--name', 'bench', '--settings', JSON.stringify({ scep }));
  cli(
    'code',
    'create',
    '--profile',
    'bench',
    '--purpose',
    'scep-challenge',
    '--secret',
    'bench-secret',
    '--reusable',
  );
  // SCEP_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the gateway under load.
  const nodeArgs = (process.env.SCEP_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn('node', [...nodeArgs, join(root, 'dist/src/cli.js'), 'serve'], {
    env: {
      ...env,
      GATEWAY_HTTP_PORT: String(http),
      GATEWAY_HTTPS_PORT: String(https),
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_WORKERS: String(options.workers),
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${http}/scep/bench`;
  await waitFor(`http://127.0.0.1:${http}/healthz`, child);
  const ca = new Uint8Array(await (await fetch(`${url}?operation=GetCACert`)).arrayBuffer());
  return {
    name: options.workers > 1 ? `gateway×${options.workers}` : 'gateway',
    url,
    pid: child.pid ?? 0,
    challenge: 'bench-secret',
    recipientDer: ca,
    stop: stopper(child),
  };
}

/** scepserver 2.1.0 has no bind address: run the benchmark inside `unshare -n` (bench/scep.sh). */
export async function startScepserver(dir: string): Promise<Server> {
  const depot = join(dir, 'depot');
  execFileSync('scepserver', ['ca', '-init', '-depot', depot], { stdio: 'pipe' });
  const port = await freePort();
  const child = spawn(
    'scepserver',
    ['-depot', depot, '-port', String(port), '-challenge', 'bench-secret', '-allowrenew', '0'],
    { stdio: 'ignore' },
  );
  const url = `http://127.0.0.1:${port}/scep`;
  await waitFor(`${url}?operation=GetCACaps`, child);
  const ca = new Uint8Array(await (await fetch(`${url}?operation=GetCACert`)).arrayBuffer());
  return {
    name: 'scepserver',
    url,
    pid: child.pid ?? 0,
    challenge: 'bench-secret',
    recipientDer: ca,
    stop: stopper(child),
  };
}
