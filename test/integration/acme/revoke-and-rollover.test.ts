/** RFC 8555 §7.6 revokeCert (three ways, reasons, alreadyRevoked, CRL) and §7.3.5 keyChange. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr, openssl } from '../../helpers/pki.js';
import { accountKey, acmeBench, signJws, type AccountKeyPair, type Bench, type Client } from './harness.js';

const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

function derOf(pemChain: string): string {
  const first = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pemChain)?.[1] ?? '';
  return Buffer.from(first.replace(/\s+/g, ''), 'base64').toString('base64url');
}

describe.each(dialects)('ACME revocation and key rollover (%s)', (dialect) => {
  let bench: Bench;
  let owner: Client;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    owner = bench.client();
    await owner.register();
  });
  afterAll(() => bench.cleanup());

  async function issue(client: Client, name: string) {
    const csr = makeCsr({ subject: `CN=${name}`, dnsNames: [name] });
    const fin = await client.issue([name], csr.der);
    const chain = (await client.post(fin.body.certificate, '')).text;
    return { cert: derOf(chain), csr };
  }
  const revoke = (client: Client, payload: unknown, o: Parameters<Client['post']>[2] = {}) =>
    client.post(bench.url('/revoke-cert'), payload, o);

  it('When the ordering account revokes with a reason, Then 200, the core records it, the CRL lists it; again → alreadyRevoked', async () => {
    const { cert } = await issue(owner, 'r1.example');
    const res = await revoke(owner, { certificate: cert, reason: 1 });
    expect(res.status).toBe(200);
    expect(res.headers['replay-nonce']).toBeTruthy();
    const serial = /Serial Number:\s*([0-9A-F:]+)/i.exec(
      openssl(['x509', '-inform', 'DER', '-noout', '-text'], { input: Buffer.from(cert, 'base64url') })
        .stdout,
    )?.[1];
    const crl = openssl(['crl', '-inform', 'DER', '-noout', '-text'], {
      input: await bench.t.ca.crl(),
    }).stdout;
    expect(crl.replace(/:/g, '').toUpperCase()).toContain(String(serial).replace(/:/g, '').toUpperCase());
    const record = (await bench.t.core.store.certificates.list({ status: 'revoked' })).items;
    expect(record.some((r) => r.revocationReason === 1)).toBe(true);
    const again = await revoke(owner, { certificate: cert });
    expect(again.body.type).toBe(err('alreadyRevoked'));
  });

  it.each([7, 11, -1, 'keyCompromise'])('When the reason is %s, Then badRevocationReason', async (reason) => {
    const { cert } = await issue(owner, `bad-reason-${String(reason)}.example`);
    expect((await revoke(owner, { certificate: cert, reason })).body.type).toBe(err('badRevocationReason'));
  });

  it('When an account without authorizations revokes, Then unauthorized; with valid authorizations for every name, Then 200', async () => {
    const { cert } = await issue(owner, 'shared.example');
    const other = bench.client();
    await other.register();
    expect((await revoke(other, { certificate: cert })).body.type).toBe(err('unauthorized'));
    const order = await other.order(['shared.example']);
    await other.authorize(order.body);
    expect((await revoke(other, { certificate: cert, reason: 4 })).status).toBe(200);
  });

  it('When the request is signed by the certificate key (jwk), Then 200; by another jwk, Then unauthorized', async () => {
    const { cert, csr } = await issue(owner, 'bykey.example');
    const stranger = bench.client();
    expect((await revoke(stranger, { certificate: cert }, { kid: null })).body.type).toBe(
      err('unauthorized'),
    );
    const certKey: AccountKeyPair = {
      alg: 'ES256',
      privateKey: csr.privateKey,
      publicKey: csr.publicKey,
      jwk: csr.publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
    };
    expect(
      (await revoke(stranger, { certificate: cert, reason: 1 }, { kid: null, key: certKey })).status,
    ).toBe(200);
  });

  it('When the certificate is garbage or unknown, Then malformed', async () => {
    expect((await revoke(owner, { certificate: 'AAAA' })).body.type).toBe(err('malformed'));
    expect((await revoke(owner, {})).body.type).toBe(err('malformed'));
    const foreign = openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=x',
      '-keyout',
      'k.pem',
      '-outform',
      'DER',
      '-out',
      'c.der',
    ]);
    const der = (await import('node:fs')).readFileSync(`${foreign.dir}/c.der`).toString('base64url');
    expect((await revoke(owner, { certificate: der })).status).toBe(404);
  });

  describe('keyChange', () => {
    function inner(
      newKey: AccountKeyPair,
      client: Client,
      overrides: Record<string, unknown> = {},
      payload?: unknown,
    ) {
      return signJws(
        newKey,
        { jwk: newKey.jwk, url: bench.url('/key-change'), ...overrides },
        payload ?? { account: client.kid, oldKey: client.key.jwk },
      );
    }
    it('When an account rolls over to a new key, Then the new key works and the old one no longer finds the account', async () => {
      const c = bench.client();
      await c.register();
      const oldKey = c.key;
      const newKey = accountKey('ES384');
      const res = await c.post(bench.url('/key-change'), inner(newKey, c));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      c.key = newKey;
      expect((await c.order(['rolled.example'])).status).toBe(201);
      c.key = oldKey;
      // The stored key is P-384 now: an ES256 signature no longer matches it.
      expect((await c.order(['rolled.example'])).body.type).toBe(err('badSignatureAlgorithm'));
      const lookup = await c.post(bench.url('/new-acct'), { onlyReturnExisting: true }, { kid: null });
      expect(lookup.body.type).toBe(err('accountDoesNotExist'));
    });
    it.each([
      ['inner url differs', { url: 'https://acme.test/other' }, undefined, 'malformed'],
      ['inner has kid', { kid: 'x' }, undefined, 'malformed'],
      ['inner alg none', { alg: 'none' }, undefined, 'badSignatureAlgorithm'],
      ['wrong account', {}, 'wrong-account', 'malformed'],
      ['wrong oldKey', {}, 'wrong-old', 'malformed'],
    ])('When the %s, Then %s', async (_n, overrides, which, type) => {
      const c = bench.client();
      await c.register();
      const newKey = accountKey();
      const payload =
        which === 'wrong-account'
          ? { account: bench.url('/acct/other'), oldKey: c.key.jwk }
          : which === 'wrong-old'
            ? { account: c.kid, oldKey: accountKey().jwk }
            : undefined;
      const res = await c.post(bench.url('/key-change'), inner(newKey, c, overrides, payload));
      expect(res.body.type).toBe(err(type));
    });
    it('When the inner JWS carries a nonce, Then malformed and the key is not changed (§7.3.5)', async () => {
      const c = bench.client();
      await c.register();
      const newKey = accountKey();
      const res = await c.post(bench.url('/key-change'), inner(newKey, c, { nonce: await bench.nonce() }));
      expect(res.status).toBe(400);
      expect(res.body.type).toBe(err('malformed'));
      expect(res.body.detail).toContain('nonce');
      expect((await c.order(['kept-key.example'])).status).toBe(201);
    });
    it('When the new key belongs to another account, Then 409 with its Location', async () => {
      const c = bench.client();
      const d = bench.client();
      await c.register();
      await d.register();
      const res = await c.post(bench.url('/key-change'), inner(d.key, c));
      expect(res.status).toBe(409);
      expect(res.headers.location).toBe(d.kid);
    });
    it('When the inner signature is broken, Then malformed', async () => {
      const c = bench.client();
      await c.register();
      const jws = inner(accountKey(), c);
      jws.signature = Buffer.alloc(64).toString('base64url');
      expect((await c.post(bench.url('/key-change'), jws)).body.type).toBe(err('malformed'));
      expect((await c.post(bench.url('/key-change'), { protected: 1 })).body.type).toBe(err('malformed'));
    });
  });
});
