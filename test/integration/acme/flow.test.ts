import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr, openssl } from '../../helpers/pki.js';
import { acmeBench, type Bench, type Client } from './harness.js';

describe.each(dialects)('ACME issuance flow (%s)', (dialect) => {
  let bench: Bench;
  let client: Client;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    client = bench.client();
  });
  afterAll(() => bench.cleanup());

  it('When the directory is fetched, Then it lists every resource and the meta fields, with Link rel=index', async () => {
    const res = await request(bench.app).get(`/acme/${bench.profile}/directory`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      newNonce: bench.url('/new-nonce'),
      newAccount: bench.url('/new-acct'),
      newOrder: bench.url('/new-order'),
      revokeCert: bench.url('/revoke-cert'),
      keyChange: bench.url('/key-change'),
      meta: {
        externalAccountRequired: false,
        caaIdentities: ['acme.test'],
        website: 'https://example.test/',
      },
    });
    expect(Object.keys(res.body.meta.profiles)).toEqual([bench.profile]);
    expect(res.headers.link).toContain(`<${bench.url('/directory')}>;rel="index"`);
  });

  it('When /acme/directory is fetched, Then it is the default profile directory', async () => {
    const res = await request(bench.app).get('/acme/directory');
    expect(res.status).toBe(200);
    expect(res.body.newOrder).toBe(bench.url('/new-order'));
  });

  it('When newNonce is asked with HEAD and GET, Then 200 and 204 with a nonce and Cache-Control no-store', async () => {
    const head = await request(bench.app).head(`/acme/${bench.profile}/new-nonce`);
    expect(head.status).toBe(200);
    expect(head.headers['replay-nonce']).toMatch(/^[A-Za-z0-9_-]{44}$/);
    expect(head.headers['cache-control']).toBe('no-store');
    const get = await request(bench.app).get(`/acme/${bench.profile}/new-nonce`);
    expect(get.status).toBe(204);
    expect(get.headers['replay-nonce']).not.toBe(head.headers['replay-nonce']);
  });

  it('When an account registers, orders, proves http-01 and finalizes, Then the order is valid and the PEM chain verifies', async () => {
    const reg = await client.register({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.com'] });
    expect(reg.status).toBe(201);
    expect(reg.body).toMatchObject({ status: 'valid', contact: ['mailto:ops@example.com'] });
    expect(reg.headers['replay-nonce']).toBeTruthy();

    const order = await client.order(['www.example.com', 'example.com']);
    expect(order.status).toBe(201);
    expect(order.body.status).toBe('pending');
    expect(order.headers.location).toMatch(/\/order\//);
    await client.authorize(order.body);
    const ready = await client.post(order.headers.location, '');
    expect(ready.body.status).toBe('ready');

    const csr = makeCsr({ subject: 'CN=example.com', dnsNames: ['example.com', 'www.example.com'] });
    const fin = await client.post(order.body.finalize, { csr: Buffer.from(csr.der).toString('base64url') });
    expect(fin.status).toBe(200);
    expect(fin.body.status).toBe('valid');
    const cert = await client.post(fin.body.certificate, '');
    expect(cert.status).toBe(200);
    expect(cert.headers['content-type']).toContain('application/pem-certificate-chain');
    expect(cert.headers.link).toContain('rel="alternate"');
    const pem = cert.text;
    expect(pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const root = bench.t.ca.caChain().at(-1) ?? '';
    const verified = openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'chain.pem', 'chain.pem'], {
      files: { 'root.pem': root, 'chain.pem': pem },
    });
    expect(verified.stdout).toContain('OK');
  });

  it('When a challenge is fetched, Then the response links its authorization with rel=up; a POST to a valid challenge answers 200', async () => {
    const order = await client.order(['up.example.com']);
    const authz = (await client.post(order.body.authorizations[0], '')).body;
    const ch = authz.challenges[0];
    const read = await client.post(ch.url, '');
    expect(read.headers.link).toContain(`<${order.body.authorizations[0]}>;rel="up"`);
    expect(read.headers['retry-after']).toBe('2');
    await client.authorize(order.body);
    const again = await client.post(ch.url, {});
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('valid');
    expect(again.headers.link).toContain('rel="up"');
  });
});
