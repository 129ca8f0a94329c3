/**
 * The listeners as started by src/main.ts: oversized heads get a 431 with a body in the wire of the
 * face the path belongs to; slow clients are answered 408 and disconnected at the configured
 * timeouts (small here, so the test waits for the server's timers, never sleeps); connections past
 * the per-client cap are closed at once while other clients are still served.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/http/logger.js';
import { startGateway, type RunningGateway } from '../../../src/main.js';

interface Answer {
  status: number;
  contentType: string;
  body: string;
}

/** One request with Node's client; the answer whatever the status. */
function fetchRaw(
  url: string,
  options: { ca?: Buffer; headers?: Record<string, string>; localAddress?: string } = {},
): Promise<Answer> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { ca: options.ca, headers: options.headers, localAddress: options.localAddress, agent: false },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A raw connection that records everything it receives and when it closed. */
interface Held {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

function hold(socket: Socket): Held {
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString('latin1')));
  socket.on('error', () => undefined);
  return {
    socket,
    received: () => received,
    closed: new Promise((resolve) => socket.once('close', () => resolve())),
  };
}

async function openTcp(port: number, head: string): Promise<Held> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  const held = hold(socket);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (head) socket.write(head);
  return held;
}

describe('listener limits and the server-level answers (SQLite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-listeners-'));
  const maxConnections = 8;
  const config = loadConfig({
    env: {
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_HTTPS_PORT: '0',
      GATEWAY_HTTP_PORT: '0',
      GATEWAY_LOG_LEVEL: 'silent',
      GATEWAY_MAX_HEADER_SIZE: '8192',
      GATEWAY_HEADERS_TIMEOUT_MS: '400',
      GATEWAY_REQUEST_TIMEOUT_MS: '800',
      GATEWAY_MAX_CONNECTIONS_PER_CLIENT: String(maxConnections),
    },
  });
  let gw: RunningGateway;
  let ca: Buffer;
  const httpsUrl = (path: string) => `https://localhost:${gw.ports.https}${path}`;
  const httpUrl = (path: string) => `http://127.0.0.1:${gw.ports.http}${path}`;

  beforeAll(async () => {
    gw = await startGateway(config, createLogger('silent'));
    ca = readFileSync(gw.rootCertificatePath);
  });
  afterAll(async () => {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Within one TLS record (16 KB), so that the packet that overflows the limit holds the request line.
  const big = { 'X-Padding': 'a'.repeat(12_000) };

  it('When a request head is too large, Then the 431 has a JSON body, a problem document under /acme, plain text under /scep', async () => {
    const admin = await fetchRaw(httpsUrl('/api/v1/whoami'), { ca, headers: big });
    expect(admin.status).toBe(431);
    expect(admin.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(admin.body)).toMatchObject({ code: 'header_too_large', message: expect.any(String) });

    const acme = await fetchRaw(httpsUrl('/acme/directory'), { ca, headers: big });
    expect(acme.status).toBe(431);
    expect(acme.contentType).toBe('application/problem+json');
    expect(JSON.parse(acme.body)).toMatchObject({
      type: 'urn:ietf:params:acme:error:malformed',
      status: 431,
    });

    const scep = await fetchRaw(httpUrl(`/scep?operation=PKIOperation&message=${'A'.repeat(12_000)}`));
    expect(scep.status).toBe(431);
    expect(scep.contentType).toMatch(/^text\/plain/);
    expect(scep.body).toMatch(/too large/);

    // The listener still serves after answering.
    expect((await fetchRaw(httpsUrl('/healthz'), { ca })).status).toBe(200);
  });

  it('When one client holds slow connections up to the cap, Then more are closed at once, others are served, and the slow ones get 408 at the timeout', async () => {
    const port = gw.ports.http;
    // Half send part of a head and stop; half send a head and part of the body and stop.
    const slow: Held[] = [];
    for (let i = 0; i < maxConnections; i++) {
      slow.push(
        await openTcp(
          port,
          i % 2 === 0
            ? 'GET /healthz HTTP/1.1\r\nHost: x\r\n'
            : 'POST /scep/default?operation=PKIOperation HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nMIIB',
        ),
      );
    }
    // Past the cap: closed before a byte is answered.
    const refused = await Promise.all(Array.from({ length: 12 }, () => openTcp(port, '')));
    await Promise.all(refused.map((r) => r.closed));
    expect(refused.map((r) => r.received())).toEqual(Array(12).fill(''));

    // Another client address is not affected.
    const other = await fetchRaw(httpUrl('/healthz'), { localAddress: '127.0.0.2' });
    expect(other).toMatchObject({ status: 200, body: '{"status":"ok"}' });

    await Promise.all(slow.map((s) => s.closed));
    for (const [i, s] of slow.entries()) {
      expect(s.received()).toMatch(/^HTTP\/1\.1 408 /);
      // A head cut short names no path: JSON. A body too slow belongs to SCEP: plain text.
      expect(s.received()).toMatch(
        i % 2 === 0 ? /"code":"request_timeout"/ : /text\/plain[\s\S]*not received in time/,
      );
    }

    // Their slots are free again.
    expect((await fetchRaw(httpUrl('/healthz'))).status).toBe(200);
    // Bounded far below Node's own defaults (60 s head, 300 s request, checked every 30 s).
  }, 15_000);

  it('When an ACME body arrives too slowly over TLS, Then the 408 is a problem document', async () => {
    const socket = tlsConnect({ host: '127.0.0.1', port: gw.ports.https, servername: 'localhost', ca });
    const held = hold(socket);
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    socket.write(
      'POST /acme/default/new-acct HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/jose+json\r\n' +
        'Content-Length: 500\r\n\r\n{"protected":',
    );
    await held.closed;
    expect(held.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(held.received()).toContain('application/problem+json');
    expect(held.received()).toContain('"type":"urn:ietf:params:acme:error:malformed"');
  }, 15_000);
});
