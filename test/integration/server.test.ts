import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/http/logger.js';
import { startGateway, type RunningGateway } from '../../src/main.js';
import { openssl } from '../helpers/pki.js';

const run = promisify(execFile);

function curl(args: string[]) {
  return run('curl', ['-sS', '--max-time', '10', ...args], { encoding: 'buffer', maxBuffer: 1 << 20 });
}

describe('the running gateway (SQLite, embedded defaults)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-server-'));
  const logs = new PassThrough();
  let logText = '';
  logs.on('data', (chunk: Buffer) => (logText += chunk.toString()));
  const config = loadConfig({
    env: {
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_HTTPS_PORT: '0',
      GATEWAY_HTTP_PORT: '0',
      GATEWAY_LOG_LEVEL: 'debug',
    },
  });
  let gw: RunningGateway;
  let token: string;
  let consolePassword: string;
  const https = (path: string) => `https://localhost:${gw.ports.https}${path}`;
  const http = (path: string) => `http://localhost:${gw.ports.http}${path}`;

  beforeAll(async () => {
    gw = await startGateway(config, createLogger('debug', logs));
    token = gw.bootstrapToken ?? '';
    consolePassword = gw.bootstrapConsolePassword ?? '';
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('When curl trusts only the printed root certificate, Then /healthz and /readyz answer over HTTPS', async () => {
    const root = gw.rootCertificatePath;
    expect(readFileSync(root, 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(JSON.parse((await curl(['--cacert', root, https('/healthz')])).stdout.toString())).toEqual({
      status: 'ok',
    });
    expect(JSON.parse((await curl(['--cacert', root, https('/readyz')])).stdout.toString())).toEqual({
      status: 'ready',
    });
    const ip = await curl(['--cacert', root, `https://127.0.0.1:${gw.ports.https}/healthz`]);
    expect(ip.stdout.toString()).toContain('ok');
  });

  it('When the first start created the console user admin, Then its password signs in over HTTPS and the cookie comes back HttpOnly, Secure and SameSite=Strict', async () => {
    expect(consolePassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const signIn = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-i',
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ username: 'admin', password: consolePassword }),
      https('/api/v1/session'),
    ]);
    const head = signIn.stdout.toString();
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    const cookie = /^set-cookie: (egw_session=[^;]+); HttpOnly; Secure; SameSite=Strict; Path=\/\r$/im.exec(
      head,
    );
    expect(cookie?.[1]).toBeTruthy();
    const me = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-H',
      `Cookie: ${cookie?.[1] ?? ''}`,
      https('/api/v1/whoami'),
    ]);
    expect(JSON.parse(me.stdout.toString())).toMatchObject({ subject: 'admin', role: 'admin' });
    expect(logText).not.toContain(consolePassword);
    expect(logText).not.toContain(cookie?.[1]?.slice('egw_session='.length) ?? '');
  });

  it('When the first start created an admin token, Then it authenticates and a missing or wrong one is refused', async () => {
    expect(token).toMatch(/^egw_/);
    const me = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-H',
      `Authorization: Bearer ${token}`,
      https('/api/v1/whoami'),
    ]);
    expect(JSON.parse(me.stdout.toString())).toMatchObject({ subject: 'admin', role: 'admin' });
    const anonymous = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-w',
      '\n%{http_code}',
      https('/api/v1/whoami'),
    ]);
    const [body, status] = anonymous.stdout.toString().split('\n');
    expect(status).toBe('401');
    expect(JSON.parse(body ?? '')).toMatchObject({ code: 'unauthorized' });
    const wrong = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-H',
      'Authorization: Bearer egw_nope',
      https('/api/v1/whoami'),
    ]);
    expect(JSON.parse(wrong.stdout.toString()).code).toBe('unauthorized');
  });

  it('When a client asks plain HTTP for the CRL and CA certificates, Then they are served and the CRL verifies', async () => {
    const crl = (await curl([http('/crl/issuing.crl')])).stdout;
    const chain = (await curl([http('/ca/chain.pem')])).stdout.toString();
    const check = openssl(['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'chain.pem', '-noout'], {
      files: { 'crl.der': crl, 'chain.pem': chain },
    });
    expect(check.stderr + check.stdout).toMatch(/verify OK/);
    const root = (await curl([http('/ca/root.crt')])).stdout;
    expect(openssl(['x509', '-inform', 'DER', '-noout', '-subject'], { input: root }).stdout).toContain(
      'Root CA',
    );
  });

  it('When a route is unknown or a body too large, Then the error is JSON with a stable code', async () => {
    const missing = await curl(['--cacert', gw.rootCertificatePath, https('/nope')]);
    expect(JSON.parse(missing.stdout.toString())).toMatchObject({ code: 'route_not_found' });
    const big = join(dataDir, 'big.json');
    writeFileSync(big, JSON.stringify({ comment: 'x'.repeat(300_000) }));
    const tooLarge = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'Content-Type: application/json',
      '--data-binary',
      `@${big}`,
      https('/api/v1/requests/r1/approve'),
    ]);
    expect(JSON.parse(tooLarge.stdout.toString())).toMatchObject({ code: 'payload_too_large' });
  });

  it('Never writes the admin token to the log, and logs each request with an id', () => {
    expect(logText).not.toContain(token);
    expect(logText).toMatch(/"req":\{"id":"[\w-]+"/);
  });

  it('When stopped during a request, Then it finishes that request first; a restart keeps the CA and the data', async () => {
    const socket = connect({
      host: '127.0.0.1',
      port: gw.ports.https,
      servername: 'localhost',
      ca: readFileSync(gw.rootCertificatePath),
    });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    const body = JSON.stringify({ comment: 'in flight' });
    socket.write(
      `POST /api/v1/requests/none/approve HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
    );
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = gw.stop();
    await new Promise((r) => setTimeout(r, 100));
    socket.write(body.slice(5));
    await closed;
    await stopped;
    expect(response).toMatch(/^HTTP\/1\.1 404/);
    expect(response).toContain('"code":"not_found"');

    const rootBefore = readFileSync(gw.rootCertificatePath, 'utf8');
    const writtenAt = statSync(gw.rootCertificatePath).mtimeMs;
    gw = await startGateway(config, createLogger('silent'));
    expect(gw.bootstrapToken).toBeNull();
    expect(gw.bootstrapConsolePassword).toBeNull();
    expect(readFileSync(gw.rootCertificatePath, 'utf8')).toBe(rootBefore);
    // Not rewritten (every worker writes it on start; a reader must never find it truncated).
    expect(statSync(gw.rootCertificatePath).mtimeMs).toBe(writtenAt);
    const me = await curl([
      '--cacert',
      gw.rootCertificatePath,
      '-H',
      `Authorization: Bearer ${token}`,
      https('/api/v1/whoami'),
    ]);
    expect(JSON.parse(me.stdout.toString()).role).toBe('admin');
    expect((await gw.core.verifyAuditChain()).ok).toBe(true);
  });
});
