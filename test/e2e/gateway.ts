/**
 * Starts the BUILT gateway (node dist/src/cli.js serve) as a black box, as conformance/lib.sh does: a
 * fresh data directory, free loopback ports, and the first credentials read from what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

export interface Gateway {
  /** https://localhost:<port> */
  url: string;
  adminToken: string;
  consolePassword: string;
  rootCa: string;
  output(): string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  cleanup(): void;
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port')),
      );
    });
  });
}

export async function startGateway(): Promise<Gateway> {
  const cli = join(root, 'dist/src/cli.js');
  if (!existsSync(cli) || !existsSync(join(root, 'dist/console/index.html'))) {
    throw new Error('Build first: npm run build (the suite runs the built gateway and console)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'egw-e2e-'));
  const httpsPort = await freePort();
  let httpPort = await freePort();
  while (httpPort === httpsPort) httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [cli, 'serve'], {
    cwd: dir,
    env: {
      ...process.env,
      GATEWAY_DATA_DIR: dir,
      GATEWAY_HTTPS_HOST: '127.0.0.1',
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTPS_PORT: String(httpsPort),
      GATEWAY_HTTP_PORT: String(httpPort),
      GATEWAY_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));

  await new Promise<void>((ok, fail) => {
    const check = setInterval(() => {
      if (output.includes('Root CA certificate')) {
        clearInterval(check);
        ok();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        fail(new Error(`gateway exited:\n${output}`));
      }
    }, 50);
  });
  const adminToken = /egw_[A-Za-z0-9_-]+/.exec(output)?.[0];
  const consolePassword = /Console user "admin", password[^\n]*\n\s*\n\s*(\S+)/.exec(output)?.[1];
  if (!adminToken || !consolePassword) throw new Error(`first credentials not printed:\n${output}`);
  // The start banner tells the operator where the console is.
  if (/^Console: +(\S+)$/m.exec(output)?.[1] !== `https://localhost:${httpsPort}/console/`) {
    throw new Error(`console URL not printed:\n${output}`);
  }
  return {
    url: `https://localhost:${httpsPort}`,
    adminToken,
    consolePassword,
    rootCa: readFileSync(join(dir, 'root-ca.pem'), 'utf8'),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** One admin API call with a Bearer token ('' for none), trusting the gateway's own root CA. */
export function apiCall(
  gw: Gateway,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(
      `${gw.url}/api/v1${path}`,
      {
        method,
        ca: gw.rootCa,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', fail);
    req.end(payload);
  });
}

/** Like apiCall, but throws unless the status is the expected one. */
export async function api<T>(
  gw: Gateway,
  token: string,
  method: string,
  path: string,
  body: unknown,
  status: number,
): Promise<T> {
  const answer = await apiCall(gw, token, method, path, body);
  if (answer.status !== status) {
    throw new Error(
      `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)} (expected ${status})`,
    );
  }
  return answer.body as T;
}
