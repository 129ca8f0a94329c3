/**
 * The floor of an ACME POST in Node: what any server must do per request, and nothing more. TLS
 * and HTTP/1.1 keep-alive, the flattened JWS parsed and its ES256 signature verified with
 * node:crypto (the account key imported once), the nonce's HMAC checked and the nonce redeemed by
 * one durable SQLite insert (WAL, synchronous=NORMAL, as the gateway), and a JSON answer with a
 * fresh nonce. FLOOR_MODE adds the gateway's stack piece by piece: `express` (an Express app with
 * express.raw), `knex` (the insert through the gateway's knex client), or both.
 *
 *   node --import tsx bench/acme/floor-server.ts <port> <dataDir> <key.pem> <cert.pem>
 */
import {
  createHmac,
  createPublicKey,
  randomBytes,
  verify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import { join } from 'node:path';
import express from 'express';
import sqlite3 from 'sqlite3';
import { createDatabase } from '../../src/store/db.js';

const [port, dataDir, keyFile, certFile] = process.argv.slice(2) as [string, string, string, string];
const mode = process.env.FLOOR_MODE ?? 'plain';

const db = new sqlite3.Database(join(dataDir, 'floor.sqlite'));
await new Promise<void>((resolve, reject) =>
  db.exec(
    'PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; create table nonces (id text primary key, expires_at integer)',
    (err) => (err ? reject(err) : resolve()),
  ),
);
const insert = db.prepare(
  'insert into nonces (id, expires_at) values (?, ?) on conflict (id) do nothing returning id',
);
const knex = mode.includes('knex')
  ? createDatabase({ dataDir, url: `sqlite:${join(dataDir, 'floor-knex.sqlite')}` })
  : null;
await knex?.raw('create table nonces (id text primary key, expires_at integer)');

function redeem(id: string, expiresAt: number): Promise<boolean> {
  if (knex) {
    return knex('nonces')
      .insert({ id, expires_at: expiresAt })
      .onConflict('id')
      .ignore()
      .returning('id')
      .then((rows: unknown[]) => rows.length === 1);
  }
  return new Promise((resolve, reject) =>
    insert.all([id, expiresAt], (err: Error | null, rows: unknown[]) =>
      err ? reject(err) : resolve(rows.length === 1),
    ),
  );
}

const nonceKey = randomBytes(32);
const mac = (body: Buffer) => createHmac('sha256', nonceKey).update(body).digest().subarray(0, 16);
const issueNonce = () => {
  const body = randomBytes(17);
  return Buffer.concat([body, mac(body)]).toString('base64url');
};
const keys = new Map<string, KeyObject>();

async function handle(body: Buffer, res: ServerResponse): Promise<void> {
  const jws = JSON.parse(body.toString()) as { protected: string; payload: string; signature: string };
  const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString()) as {
    kid: string;
    jwk: JsonWebKey;
    nonce: string;
  };
  let key = keys.get(header.kid);
  if (!key) keys.set(header.kid, (key = createPublicKey({ key: header.jwk, format: 'jwk' })));
  const signed = verify(
    'sha256',
    Buffer.from(`${jws.protected}.${jws.payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(jws.signature, 'base64url'),
  );
  const nonce = Buffer.from(header.nonce, 'base64url');
  const fresh = nonce.length === 33 && mac(nonce.subarray(0, 17)).equals(nonce.subarray(17));
  const redeemed = await redeem(nonce.subarray(5, 17).toString('base64url'), Date.now() + 3_600_000);
  const answer = JSON.stringify({
    status: signed && fresh && redeemed ? 'valid' : 'invalid',
    identifiers: [{ type: 'dns', value: 'floor.example' }],
    expires: new Date().toISOString(),
  });
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(answer),
    'Replay-Nonce': issueNonce(),
    Link: '<https://localhost/acme/directory>;rel="index"',
    'Cache-Control': 'no-store',
  });
  res.end(answer);
}

let listener: (req: IncomingMessage, res: ServerResponse) => void;
if (mode.includes('express')) {
  const app = express();
  app.post('/floor', express.raw({ type: () => true }), (req, res) => void handle(req.body as Buffer, res));
  listener = app;
} else {
  listener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(Buffer.concat(chunks), res));
  };
}
createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, listener).listen(
  Number(port),
  '127.0.0.1',
  () => console.log('ready'),
);
