/**
 * The ACME load driver: C workers each run the full flow (newOrder, authz, http-01 answered by the
 * driver's own HTTP server, finalize, poll, download) against any directory URL. Cheap by design:
 * account keys and CSRs are made before the clock starts, accounts are registered in the warm-up,
 * and signing uses node:crypto directly.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Agent, request } from 'node:https';
import { performance } from 'node:perf_hooks';
import { buildCsr } from '../../src/core/csr/build.js';

export interface DriverOptions {
  directory: string;
  caFile: string;
  concurrency: number;
  count: number;
  http01Port: number;
  /** Domain suffix the DNS responder maps to 127.0.0.1. */
  suffix: string;
  /** Run id, so that names never repeat across runs against one server. */
  runId: string;
  deadlineMs: number;
}

export interface DriverResult {
  completed: number;
  failed: number;
  wallMs: number;
  latenciesMs: number[];
  errors: string[];
  /** The driver's own CPU over the measured phase: on a shared machine it is taken from the server. */
  driverCpuMs: number;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const b64 = (v: string | Buffer) => Buffer.from(v).toString('base64url');

class Http {
  readonly #agent: Agent;
  readonly #ca: Buffer;
  constructor(caFile: string, sockets: number) {
    this.#ca = readFileSync(caFile);
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets, ca: this.#ca });
  }
  send(method: string, url: string, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: this.#agent,
          headers: body
            ? { 'content-type': 'application/jose+json', 'content-length': Buffer.byteLength(body) }
            : {},
          timeout: 15_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout ${method} ${url}`)));
      req.on('error', reject);
      req.end(body);
    });
  }
  close() {
    this.#agent.destroy();
  }
}

class Account {
  readonly key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly jwk = this.key.publicKey.export({ format: 'jwk' });
  readonly thumbprint = createHash('sha256')
    .update(JSON.stringify({ crv: this.jwk.crv, kty: this.jwk.kty, x: this.jwk.x, y: this.jwk.y }))
    .digest('base64url');
  kid = '';
  nonce = '';
  /** No request starts after this (performance.now() ms): a hung server cannot hold the run. */
  stopAt = Infinity;
  constructor(
    readonly http: Http,
    readonly dir: Record<string, string>,
  ) {}

  async post(url: string, payload: unknown | ''): Promise<Reply> {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (performance.now() > this.stopAt) throw new Error('run deadline passed');
      if (!this.nonce)
        this.nonce = String(
          (await this.http.send('HEAD', this.dir.newNonce as string)).headers['replay-nonce'],
        );
      const header = {
        alg: 'ES256',
        nonce: this.nonce,
        url,
        ...(this.kid ? { kid: this.kid } : { jwk: this.jwk }),
      };
      const p = b64(JSON.stringify(header));
      const body = payload === '' ? '' : b64(JSON.stringify(payload));
      const signature = sign('sha256', Buffer.from(`${p}.${body}`), {
        key: this.key.privateKey as KeyObject,
        dsaEncoding: 'ieee-p1363',
      });
      const reply = await this.http.send(
        'POST',
        url,
        JSON.stringify({ protected: p, payload: body, signature: b64(signature) }),
      );
      this.nonce = String(reply.headers['replay-nonce'] ?? '');
      if (reply.status === 400 && reply.body.includes('badNonce')) {
        requestCounts.set('badNonce retry', (requestCounts.get('badNonce retry') ?? 0) + 1);
        continue;
      }
      return reply;
    }
    throw new Error('badNonce five times');
  }
}

/** Requests sent per kind during the measured phase (polls per certificate show how often clients wait). */
export const requestCounts = new Map<string, number>();

function json(reply: Reply, what: string): Record<string, unknown> {
  requestCounts.set(what, (requestCounts.get(what) ?? 0) + 1);
  if (reply.status >= 400) throw new Error(`${what}: HTTP ${reply.status} ${reply.body.slice(0, 200)}`);
  return JSON.parse(reply.body) as Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One certificate, start to finish; resolves with its latency in ms. */
async function issueOne(
  account: Account,
  keyAuths: Map<string, string>,
  name: string,
  csr: Buffer,
): Promise<number> {
  const started = performance.now();
  const orderReply = await account.post(account.dir.newOrder as string, {
    identifiers: [{ type: 'dns', value: name }],
  });
  const order = json(orderReply, 'newOrder');
  const orderUrl = String(orderReply.headers.location);
  for (const authzUrl of order.authorizations as string[]) {
    const authz = json(await account.post(authzUrl, ''), 'authz');
    if (authz.status === 'valid') continue;
    const challenge = (authz.challenges as { type: string; url: string; token: string }[]).find(
      (c) => c.type === 'http-01',
    );
    if (!challenge) throw new Error('no http-01 challenge');
    keyAuths.set(challenge.token, `${challenge.token}.${account.thumbprint}`);
    json(await account.post(challenge.url, {}), 'challenge');
    for (let i = 0; ; i++) {
      const state = json(await account.post(authzUrl, ''), 'authz poll');
      if (state.status === 'valid') break;
      if (state.status !== 'pending' || i > 500)
        throw new Error(`authz ${String(state.status)}: ${JSON.stringify(state).slice(0, 300)}`);
      await sleep(10);
    }
    keyAuths.delete(challenge.token);
  }
  let state = json(await account.post(order.finalize as string, { csr: b64(csr) }), 'finalize');
  for (let i = 0; state.status !== 'valid'; i++) {
    if (state.status !== 'processing' && state.status !== 'ready')
      throw new Error(`order ${String(state.status)}`);
    if (i > 500) throw new Error('order never valid');
    await sleep(10);
    state = json(await account.post(orderUrl, ''), 'order poll');
  }
  const cert = await account.post(state.certificate as string, '');
  if (cert.status !== 200 || !cert.body.includes('BEGIN CERTIFICATE'))
    throw new Error(`certificate: HTTP ${cert.status}`);
  return performance.now() - started;
}

interface Job {
  name: string;
  der: Buffer;
}

function http01Server(port: number, keyAuths: Map<string, string>): Promise<Server> {
  const server = createServer((req, res) => {
    const token = req.url?.split('/').pop() ?? '';
    const value = keyAuths.get(token);
    res.writeHead(value ? 200 : 404, { 'content-type': 'text/plain' });
    res.end(value ?? 'unknown');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Runs `count` issuances with `concurrency` workers after a warm-up of one issuance per worker. */
export async function runLoad(o: DriverOptions, onMeasureStart?: () => void): Promise<DriverResult> {
  const http = new Http(o.caFile, o.concurrency * 2);
  const keyAuths = new Map<string, string>();
  const server = await http01Server(o.http01Port, keyAuths);
  try {
    const dir = json(await http.send('GET', o.directory), 'directory') as Record<string, string>;
    const accounts = Array.from({ length: o.concurrency }, () => new Account(http, dir));
    // Made ahead so that key generation and CSR encoding are not measured.
    const csrs = Array.from({ length: o.count + o.concurrency }, (_, i) => {
      const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const name = `c${i}-${o.runId}.${o.suffix}`;
      return { name, der: Buffer.from(buildCsr({ ...keys, subject: `CN=${name}`, dnsNames: [name] })) };
    });
    await Promise.all(
      accounts.map(async (a) => {
        const reply = await a.post(dir.newAccount as string, { termsOfServiceAgreed: true });
        json(reply, 'newAccount');
        a.kid = String(reply.headers.location);
      }),
    );
    // Warm-up: one certificate per worker (JIT, connection pools, prepared statements).
    await Promise.all(
      accounts.map((a, i) => {
        const job = csrs[o.count + i] as Job;
        return issueOne(a, keyAuths, job.name, job.der);
      }),
    );

    onMeasureStart?.();
    const cpuAtStart = process.cpuUsage();
    requestCounts.clear();
    const latencies: number[] = [];
    const errors: string[] = [];
    let next = 0;
    let failed = 0;
    const started = performance.now();
    const deadline = started + o.deadlineMs;
    for (const a of accounts) a.stopAt = deadline + 20_000;
    await Promise.all(
      accounts.map(async (a) => {
        while (next < o.count && performance.now() < deadline) {
          const job = csrs[next++] as Job;
          try {
            latencies.push(await issueOne(a, keyAuths, job.name, job.der));
          } catch (err) {
            failed++;
            if (errors.length < 5) errors.push((err as Error).message);
          }
        }
      }),
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    // Jobs never started before the deadline count as failed too.
    failed = o.count - latencies.length;
    return {
      completed: latencies.length,
      failed,
      wallMs,
      latenciesMs: latencies,
      errors,
      driverCpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    http.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
