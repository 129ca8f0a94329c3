/**
 * The gateway's own HTTPS certificate across restarts (startGateway, SQLite): the one certificate
 * the listener serves is reused by every start until a third of its lifetime is left or tls.names
 * change, and the inventory shows it as the gateway's own.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/http/logger.js';
import { startGateway } from '../../src/main.js';
import type { Clock } from '../../src/core/ports.js';
import { ManualClock } from '../helpers/core.js';

const DAY_MS = 86_400_000;

/** The serial of the certificate the listener presents. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      const serial = new X509Certificate(socket.getPeerX509Certificate()?.raw ?? Buffer.alloc(0))
        .serialNumber;
      socket.end();
      resolve(serial.toLowerCase());
    });
    socket.once('error', reject);
  });
}

/** GET on the admin API over HTTPS, trusting only the gateway's root. */
function apiGet(port: number, path: string, token: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    get(
      {
        host: '127.0.0.1',
        port,
        path,
        ca,
        servername: 'localhost',
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      },
    ).once('error', reject);
  });
}

describe("the gateway's own HTTPS certificate (SQLite)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  const clock = new ManualClock();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /**
   * Starts the gateway on `at`, reads what it serves and what the inventory lists (over HTTPS,
   * trusting only the gateway's root), and stops it.
   */
  async function start(names = 'localhost,127.0.0.1', at: Clock = clock) {
    const config = loadConfig({
      env: {
        GATEWAY_DATA_DIR: dataDir,
        GATEWAY_HTTPS_PORT: '0',
        GATEWAY_HTTP_PORT: '0',
        GATEWAY_TLS_NAMES: names,
      },
    });
    const gw = await startGateway(config, createLogger('silent'), at);
    try {
      const serial = await servedSerial(gw.ports.https);
      const { token } = await gw.core.createToken({ subject: 'auditor', role: 'admin', actor: 'test' });
      const root = readFileSync(gw.rootCertificatePath, 'utf8');
      const list = (path: string) =>
        apiGet(gw.ports.https, path, token, root) as Promise<{
          items: { serialNumber: string; purpose: string }[];
        }>;
      const own = await list('/api/v1/certificates?purpose=gateway-tls&limit=100');
      const all = await list('/api/v1/certificates?limit=100');
      expect(all.items.find((c) => c.serialNumber === serial)?.purpose).toBe('gateway-tls');
      return { serial, own: own.items.map((c) => c.serialNumber), all: all.items.length };
    } finally {
      await gw.stop();
    }
  }

  it('When the gateway restarts, Then it serves the same certificate, listed once in the inventory as its own', async () => {
    const first = await start();
    const second = await start();
    const third = await start();
    expect(second.serial).toBe(first.serial);
    expect(third.serial).toBe(first.serial);
    expect(third.own).toEqual([first.serial]);
    expect(third.all).toBe(1);
  });

  it('When tls.names change, Then the next start issues a new certificate for them', async () => {
    const before = await start();
    const renamed = await start('gateway.example.test,localhost');
    expect(renamed.serial).not.toBe(before.serial);
    expect(renamed.own).toHaveLength(2);
    expect((await start('gateway.example.test,localhost')).serial).toBe(renamed.serial);
  });

  it('When a third of its lifetime is left, Then the next start issues a new one, reused from then on', async () => {
    // Issued 61 days ago by the gateway's clock, so that every certificate served is valid now.
    const past = new ManualClock(Date.now() - 61 * DAY_MS);
    const names = 'renewal.example.test,localhost';
    const before = await start(names, past);
    past.advance(59 * DAY_MS);
    expect((await start(names, past)).serial).toBe(before.serial);
    past.advance(2 * DAY_MS);
    const renewed = await start(names, past);
    expect(renewed.serial).not.toBe(before.serial);
    expect((await start(names, past)).serial).toBe(renewed.serial);
  });
});
