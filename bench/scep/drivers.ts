/**
 * Load drivers. `inprocess`: PKCSReq messages built ahead (AES-256-CBC, SHA-256, a small pool of keys,
 * a unique subject and transactionID each), C POSTs in flight; measures the server, not the client.
 * `scepclient`: C concurrent micromdm scepclient processes (DES, SHA-1), each with its own
 * pre-generated key (its transactionID is derived from the key); each costs ~20 ms of client CPU.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { buildCsr } from '../../src/core/csr/build.js';
import {
  pkiMessage,
  readCertRep,
  selfSignedSigner,
  type ClientIdentity,
} from '../../test/helpers/scep-client.js';
import type { Server } from './servers.js';

const run = promisify(execFile);

export interface Sample {
  ok: boolean;
  ms: number;
  serial: string | null;
}

/** A load run: one sample per enrolment, and the wall time of the exchanges alone. */
export interface Run {
  samples: Sample[];
  seconds: number;
}

interface Prepared {
  der: Uint8Array;
  signer: ClientIdentity;
}

/** Builds `count` PKCSReqs for `server` before the clock starts. */
export function prepare(server: Server, count: number, tag: string): Prepared[] {
  const recipient = AsnConvert.parse(server.recipientDer, Certificate);
  const pool = Array.from({ length: 8 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const signers = pool.map((k) => selfSignedSigner(k));
  return Array.from({ length: count }, (_, i) => {
    const key = pool[i % pool.length] as { privateKey: KeyObject; publicKey: KeyObject };
    const csr = buildCsr({ ...key, subject: `CN=bench-${tag}-${i}`, challengePassword: server.challenge });
    const signer = signers[i % signers.length] as ClientIdentity;
    const msg = pkiMessage({
      messageType: 19,
      signer,
      recipient,
      content: csr,
      cipher: 'aes-256-cbc',
      digest: 'sha256',
    });
    return { der: msg.der, signer };
  });
}

interface Reply {
  status: number;
  body: Buffer;
  ms: number;
}

function post(agent: Agent, url: URL, der: Uint8Array): Promise<Omit<Reply, 'ms'>> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-pki-message', 'content-length': der.byteLength },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(der);
  });
}

/** A reply as a sample: SUCCESS with a certificate, after decrypting and checking it as a client would. */
function decode(reply: Reply, message: Prepared): Sample {
  try {
    const rep = reply.status === 200 ? readCertRep(reply.body, message.signer) : null;
    const cert = rep?.pkiStatus === '0' ? rep.certificates[0] : undefined;
    return {
      ok: !!cert,
      ms: reply.ms,
      serial: cert ? Buffer.from(cert.tbsCertificate.serialNumber).toString('hex') : null,
    };
  } catch {
    return { ok: false, ms: reply.ms, serial: null };
  }
}

/**
 * C POSTs in flight over keep-alive connections. Only the HTTP exchange is timed: every reply is
 * decrypted and checked after the clock stops, so that the driver's own RSA and ASN.1 work does not
 * take the CPU the server under test needs (both share this machine's two cores).
 */
export async function inprocess(server: Server, messages: Prepared[], concurrency: number): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${server.url}?operation=PKIOperation`);
  const replies: Reply[] = [];
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const i = next++;
      const start = performance.now();
      const reply = await post(agent, url, (messages[i] as Prepared).der).catch(() => ({
        status: 0,
        body: Buffer.alloc(0),
      }));
      replies[i] = { ...reply, ms: performance.now() - start };
    }
  };
  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - start) / 1000;
  return { samples: replies.map((r, i) => decode(r, messages[i] as Prepared)), seconds };
}

/** Pre-generates one RSA key file per enrolment (scepclient derives its transactionID from the key). */
export async function prepareKeys(dir: string, count: number): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const files = Array.from({ length: count }, (_, i) => join(dir, `k${i}`, 'client.key'));
  for (let i = 0; i < count; i += 8) {
    await Promise.all(
      files.slice(i, i + 8).map(async (file) => {
        mkdirSync(join(file, '..'), { recursive: true });
        await run('openssl', ['genrsa', '-traditional', '-out', file, '2048']);
      }),
    );
  }
  return files;
}

/** The first failure of a scepclient run, for the report. */
export let firstError: string | null = null;

export async function scepclient(
  server: Server,
  keys: string[],
  concurrency: number,
  tag: string,
): Promise<Run> {
  const samples: Sample[] = [];
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const i = next++;
      const key = keys[i] as string;
      const start = performance.now();
      try {
        await run(
          'scepclient',
          [
            '-server-url',
            server.url,
            '-private-key',
            key,
            '-challenge',
            server.challenge,
            '-cn',
            `bench-${tag}-${i}`,
          ],
          {
            cwd: join(key, '..'),
            timeout: 30_000,
          },
        );
        const ms = performance.now() - start;
        // Read in process: one more child per enrolment would compete with the server for CPU.
        const issued = new X509Certificate(readFileSync(join(key, '..', 'client.pem')));
        samples.push({ ok: true, ms, serial: issued.serialNumber.toLowerCase() });
      } catch (err) {
        firstError ??= (err as Error).message.split('\n').slice(0, 3).join(' ');
        samples.push({ ok: false, ms: performance.now() - start, serial: null });
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samples, seconds: (performance.now() - start) / 1000 };
}
