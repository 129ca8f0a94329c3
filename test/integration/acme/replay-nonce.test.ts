/**
 * Where a Replay-Nonce goes (RFC 8555 §6.5, §7.2): on every response to a POST, errors included,
 * and on newNonce (HEAD and GET); never on another GET such as the directory or renewalInfo, whose
 * answers a client may cache or share (some client libraries refuse a directory carrying a nonce).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, certId, type Bench, type Client } from './harness.js';

const NONCE = /^[A-Za-z0-9_-]{44}$/;

describe.each(dialects)('ACME Replay-Nonce placement (%s)', (dialect) => {
  let bench: Bench;
  let client: Client;
  let certUrl: string;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    client = bench.client();
    await client.register();
    const fin = await client.issue(
      ['nonce-placement.example'],
      makeCsr({ subject: 'CN=nonce-placement.example', dnsNames: ['nonce-placement.example'] }).der,
    );
    certUrl = fin.body.certificate as string;
  });
  afterAll(() => bench.cleanup());

  const get = (path: string) => request(bench.app).get(path);

  it('When a client reads the directory, Then the answer carries no Replay-Nonce', async () => {
    for (const path of ['/acme/directory', `/acme/${bench.profile}/directory`]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers['replay-nonce'], path).toBeUndefined();
    }
  });

  it('When a client asks newNonce with HEAD or GET, Then each answer carries a fresh Replay-Nonce', async () => {
    const head = await request(bench.app).head(`/acme/${bench.profile}/new-nonce`);
    const got = await get(`/acme/${bench.profile}/new-nonce`);
    expect(head.headers['replay-nonce']).toMatch(NONCE);
    expect(got.headers['replay-nonce']).toMatch(NONCE);
    expect(got.headers['replay-nonce']).not.toBe(head.headers['replay-nonce']);
  });

  it('When a client reads renewalInfo (GET), Then neither the answer nor its errors carry a Replay-Nonce', async () => {
    const pem = (await client.post(certUrl, '')).text;
    const issued = await get(`/acme/${bench.profile}/renewal-info/${certId(pem)}`);
    expect(issued.status).toBe(200);
    expect(issued.headers['replay-nonce']).toBeUndefined();
    const malformed = await get(`/acme/${bench.profile}/renewal-info/nope`);
    expect(malformed.status).toBe(400);
    expect(malformed.headers['replay-nonce']).toBeUndefined();
  });

  it.each([
    ['an unknown resource', (p: string) => `/acme/${p}/nope`, 404],
    ['an unknown directory', () => '/acme/no-such-profile/directory', 404],
    ['a POST-as-GET resource read with GET', (p: string) => `/acme/${p}/new-order`, 405],
  ])('When a GET reaches %s, Then the problem carries no Replay-Nonce', async (_name, path, status) => {
    const res = await get(path(bench.profile));
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.headers['replay-nonce']).toBeUndefined();
  });

  it('When a POST succeeds or fails at any stage, Then every answer carries a fresh Replay-Nonce', async () => {
    const answers = [
      await client.order(['posted.example']),
      await client.post(certUrl, ''),
      await client.post(bench.url('/new-order'), {}, { nonce: 'A'.repeat(44) }),
      await request(bench.app)
        .post(`/acme/${bench.profile}/nope`)
        .set('Content-Type', 'application/jose+json'),
      await request(bench.app)
        .post(`/acme/${bench.profile}/directory`)
        .set('Content-Type', 'application/jose+json'),
      await request(bench.app)
        .post(`/acme/${bench.profile}/new-order`)
        .set('Content-Type', 'application/jose+json')
        .send('x'.repeat(300_000)),
    ];
    expect(answers.map((r) => r.status)).toEqual([201, 200, 400, 404, 405, 413]);
    const nonces = answers.map((r) => r.headers['replay-nonce'] as string | undefined);
    for (const nonce of nonces) expect(nonce).toMatch(NONCE);
    expect(new Set(nonces).size).toBe(nonces.length);
  });
});
