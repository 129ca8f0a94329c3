/**
 * Every JWS rule (RFC 8555 §6.2–6.5) refuses malformed input with the right problem document:
 * never a 500, always application/problem+json with Link rel="index", and a fresh Replay-Nonce on
 * the answer to a POST (§6.5; GETs carry none, see replay-nonce.test.ts).
 */
import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { accountKey, acmeBench, signJws, type Bench, type Client, type KeyKind } from './harness.js';

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function expectProblem(res: request.Response, type: string, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.body.type).toBe(`urn:ietf:params:acme:error:${type}`);
  expect(res.body.status).toBe(status);
  if (res.request.method === 'POST') expect(res.headers['replay-nonce']).toMatch(/^[A-Za-z0-9_-]{44}$/);
  else expect(res.headers['replay-nonce']).toBeUndefined();
  expect(res.headers.link).toContain('rel="index"');
}

describe.each(dialects)('ACME JWS rules (%s)', (dialect) => {
  let bench: Bench;
  let client: Client;
  let newAcct: string;
  let newOrder: string;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    client = bench.client();
    await client.register();
    newAcct = bench.url('/new-acct');
    newOrder = bench.url('/new-order');
  });
  afterAll(() => bench.cleanup());

  const raw = (url: string, body: string, contentType = 'application/jose+json') =>
    request(bench.app).post(bench.path(url)).set('Content-Type', contentType).send(body);

  describe('content type (§6.2)', () => {
    it('fail/wrong-content-type: application/json is 415', async () => {
      expectProblem(
        await client.post(newOrder, { identifiers: [] }, { contentType: 'application/json' }),
        'malformed',
        415,
      );
    });
    it('fail/no-content-type: a body without type is 415', async () => {
      const res = await request(bench.app).post(bench.path(newOrder)).send(Buffer.from('{}'));
      expectProblem(res, 'malformed', 415);
    });
  });

  describe('flattened JSON serialization (§6.2)', () => {
    const cases: [string, string][] = [
      ['not-json', '{nope'],
      ['empty', ''],
      ['array', '[]'],
      ['string', '"x"'],
      ['null', 'null'],
      [
        'general-serialization',
        JSON.stringify({ payload: 'e30', signatures: [{ protected: 'e30', signature: 'AA' }] }),
      ],
      [
        'unprotected-header',
        JSON.stringify({ protected: 'e30', header: { alg: 'ES256' }, payload: 'e30', signature: 'AA' }),
      ],
      ['missing-protected', JSON.stringify({ payload: 'e30', signature: 'AA' })],
      ['missing-signature', JSON.stringify({ protected: 'e30', payload: 'e30' })],
      ['missing-payload', JSON.stringify({ protected: 'e30', signature: 'AA' })],
      ['number-member', JSON.stringify({ protected: 1, payload: 'e30', signature: 'AA' })],
      ['not-base64url', JSON.stringify({ protected: 'e3+0/', payload: 'e30', signature: 'AA' })],
      ['extra-member', JSON.stringify({ protected: 'e30', payload: 'e30', signature: 'AA', extra: 1 })],
      ['deeply-nested', '['.repeat(5000) + ']'.repeat(5000)],
    ];
    it.each(cases)('fail/%s is malformed', async (_name, body) => {
      expectProblem(await raw(newOrder, body), 'malformed', 400);
    });
    it('fail/too-large: a body over the limit is 413 malformed', async () => {
      expectProblem(
        await raw(newOrder, JSON.stringify({ protected: 'a'.repeat(300_000), payload: '', signature: 'AA' })),
        'malformed',
        413,
      );
    });
  });

  describe('protected header (§6.2)', () => {
    const withHeader = async (header: unknown, url = newOrder) =>
      raw(url, JSON.stringify({ protected: b64(header), payload: b64({}), signature: 'AAAA' }));
    it('fail/header-not-json', async () => {
      expectProblem(
        await raw(newOrder, JSON.stringify({ protected: b64('{bad'), payload: '', signature: 'AA' })),
        'malformed',
        400,
      );
    });
    it('fail/header-array', async () => expectProblem(await withHeader([1]), 'malformed', 400));
    it.each([['none'], ['HS256'], ['RS512'], [null], [7]])(
      'fail/alg-%s is badSignatureAlgorithm with the accepted list',
      async (alg) => {
        const res = await withHeader({ alg, nonce: await bench.nonce(), url: newOrder, kid: client.kid });
        expectProblem(res, 'badSignatureAlgorithm', 400);
        expect(res.body.algorithms).toEqual(['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA']);
      },
    );
    it.each([
      ['none', '/new-order', 'kid'],
      ['none', '/new-acct', 'jwk'],
      ['HS256', '/new-order', 'kid'],
    ])(
      'fail/unsigned-alg-%s to %s: an empty signature is still badSignatureAlgorithm',
      async (alg, path, who) => {
        const url = bench.url(path);
        const signer = who === 'kid' ? { kid: client.kid } : { jwk: client.key.jwk };
        const header = { alg, nonce: await bench.nonce(), url, ...signer };
        const res = await raw(
          url,
          JSON.stringify({ protected: b64(header), payload: b64({}), signature: '' }),
        );
        expectProblem(res, 'badSignatureAlgorithm', 400);
        expect(res.body.algorithms).toEqual(['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA']);
      },
    );
    it('fail/alg-does-not-match-key: ES384 over a P-256 key', async () => {
      const res = await client.post(
        newOrder,
        { identifiers: [{ type: 'dns', value: 'a.example' }] },
        { alg: 'ES384' },
      );
      expectProblem(res, 'badSignatureAlgorithm', 400);
    });
    it('fail/alg-does-not-match-key: RS256 over an EC key on newAccount', async () => {
      const other = accountKey('ES256');
      const res = await client.post(newAcct, {}, { kid: null, key: other, alg: 'RS256' });
      expectProblem(res, 'badSignatureAlgorithm', 400);
    });
    it('fail/jwk-and-kid', async () => {
      expectProblem(
        await client.post(newOrder, {}, { extraHeader: { jwk: client.key.jwk } }),
        'malformed',
        400,
      );
    });
    it('fail/neither-jwk-nor-kid', async () => {
      expectProblem(
        await withHeader({ alg: 'ES256', nonce: await bench.nonce(), url: newOrder }),
        'malformed',
        400,
      );
    });
    it('fail/kid-on-newAccount', async () => {
      expectProblem(await client.post(newAcct, {}), 'malformed', 400);
    });
    it('fail/jwk-on-newOrder', async () => {
      expectProblem(await client.post(newOrder, {}, { jwk: true }), 'malformed', 400);
    });
    it('fail/kid-not-a-string', async () => {
      expectProblem(await client.post(newOrder, {}, { kid: 5 as unknown as string }), 'malformed', 400);
    });
    it('fail/crit-header', async () => {
      expectProblem(
        await client.post(newOrder, {}, { extraHeader: { crit: ['b64'], b64: false } }),
        'malformed',
        400,
      );
    });
    it('fail/no-url', async () => {
      expectProblem(
        await withHeader({ alg: 'ES256', nonce: await bench.nonce(), kid: client.kid }),
        'malformed',
        400,
      );
    });
  });

  describe('url (§6.4)', () => {
    it('fail/url-of-another-resource is unauthorized', async () => {
      expectProblem(await client.post(newOrder, {}, { url: newAcct }), 'unauthorized', 403);
    });
    it('fail/url-with-other-host', async () => {
      expectProblem(
        await client.post(newOrder, {}, { url: newOrder.replace('acme.test', 'evil.test') }),
        'unauthorized',
        403,
      );
    });
  });

  describe('nonce (§6.5)', () => {
    it('fail/missing-nonce is badNonce', async () => {
      const res = await raw(
        newOrder,
        JSON.stringify(signJws(client.key, { url: newOrder, kid: client.kid }, {})),
      );
      expectProblem(res, 'badNonce', 400);
    });
    it.each([['garbage'], [''], ['A'.repeat(44)]])('fail/forged-nonce %s is badNonce', async (nonce) => {
      expectProblem(await client.post(newOrder, {}, { nonce: nonce as string }), 'badNonce', 400);
    });
    // §6.5.2: a nonce that is not base64url (RFC 7515 §2: no padding, no other characters) is
    // malformed, not merely unknown.
    it.each([['abc+def/'], ['QUJD=='], ['has space'], ['A'], ['AAAAA'], [12], [{}], [null]])(
      'fail/nonce-not-base64url %j is malformed',
      async (nonce) => {
        expectProblem(await client.post(newOrder, {}, { extraHeader: { nonce } }), 'malformed', 400);
      },
    );
    it('fail/reused-nonce is badNonce, and its fresh Replay-Nonce works', async () => {
      const nonce = await bench.nonce();
      const body = { identifiers: [{ type: 'dns', value: 'nonce.example' }] };
      expect((await client.post(newOrder, body, { nonce })).status).toBe(201);
      const replay = await client.post(newOrder, body, { nonce });
      expectProblem(replay, 'badNonce', 400);
      const retry = await client.post(newOrder, body, { nonce: replay.headers['replay-nonce'] as string });
      expect(retry.status).toBe(201);
    });
    it('fail/tampered-nonce is badNonce', async () => {
      const nonce = await bench.nonce();
      const tampered = (nonce[0] === 'A' ? 'B' : 'A') + nonce.slice(1);
      expectProblem(await client.post(newOrder, {}, { nonce: tampered }), 'badNonce', 400);
    });
    it('fail/expired-nonce is badNonce', async () => {
      const nonce = await bench.nonce();
      bench.t.clock.advance(2 * 3600_000);
      try {
        expectProblem(await client.post(newOrder, {}, { nonce }), 'badNonce', 400);
      } finally {
        bench.t.clock.advance(-2 * 3600_000);
      }
    });
  });

  describe('signature and key (§6.2)', () => {
    it('fail/bad-signature is malformed', async () => {
      const jws = signJws(client.key, { nonce: await bench.nonce(), url: newOrder, kid: client.kid }, {});
      jws.signature = Buffer.alloc(64, 1).toString('base64url');
      expectProblem(await raw(newOrder, JSON.stringify(jws)), 'malformed', 400);
    });
    it('fail/empty-signature is malformed', async () => {
      const jws = signJws(client.key, { nonce: await bench.nonce(), url: newOrder, kid: client.kid }, {});
      jws.signature = '';
      expectProblem(await raw(newOrder, JSON.stringify(jws)), 'malformed', 400);
    });
    it('fail/signature-of-another-key', async () => {
      const jws = signJws(accountKey(), { nonce: await bench.nonce(), url: newOrder, kid: client.kid }, {});
      expectProblem(await raw(newOrder, JSON.stringify(jws)), 'malformed', 400);
    });
    it('fail/unknown-kid is accountDoesNotExist', async () => {
      expectProblem(
        await client.post(newOrder, {}, { kid: bench.url('/acct/nobody') }),
        'accountDoesNotExist',
        400,
      );
    });
    it('fail/kid-outside-this-directory is accountDoesNotExist', async () => {
      expectProblem(
        await client.post(newOrder, {}, { kid: 'https://elsewhere.test/acct/1' }),
        'accountDoesNotExist',
        400,
      );
    });
    const badJwks: [string, Record<string, unknown>][] = [
      ['unknown-kty', { kty: 'oct', k: 'AAAA' }],
      ['ec-missing-y', { kty: 'EC', crv: 'P-256', x: 'AAAA' }],
      ['ec-not-on-curve', { kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'AAAA' }],
      ['ec-unknown-curve', { kty: 'EC', crv: 'P-999', x: 'AAAA', y: 'AAAA' }],
      ['okp-x448', { kty: 'OKP', crv: 'X448', x: 'AAAA' }],
      ['rsa-missing-e', { kty: 'RSA', n: 'AAAA' }],
      ['rsa-non-b64', { kty: 'RSA', n: '!!', e: 'AQAB' }],
    ];
    it.each(badJwks)('fail/jwk-%s is badPublicKey', async (_name, jwk) => {
      const jws = signJws(client.key, { nonce: await bench.nonce(), url: newAcct, jwk }, {});
      expectProblem(await raw(newAcct, JSON.stringify(jws)), 'badPublicKey', 400);
    });
    it('fail/jwk-not-an-object is malformed', async () => {
      const jws = signJws(client.key, { nonce: await bench.nonce(), url: newAcct, jwk: 'key' }, {});
      expectProblem(await raw(newAcct, JSON.stringify(jws)), 'malformed', 400);
    });
    it('fail/rsa-1024 is badPublicKey', async () => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const key = {
        alg: 'RS256' as const,
        ...pair,
        jwk: pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>,
      };
      expectProblem(await client.post(newAcct, {}, { kid: null, key }), 'badPublicKey', 400);
    });
    it.each<KeyKind>(['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'])(
      'ok/%s account keys register',
      async (alg) => {
        const c = bench.client(alg);
        const res = await c.register();
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        expect((await c.order(['alg.example'])).status).toBe(201);
      },
    );
  });

  describe('payload and POST-as-GET (§6.3)', () => {
    it('fail/payload-on-POST-as-GET-resource', async () => {
      const order = await client.order(['pag.example']);
      expectProblem(await client.post(order.headers.location as string, {}), 'malformed', 400);
    });
    it('fail/empty-payload-on-action', async () => {
      expectProblem(await client.post(newOrder, ''), 'malformed', 400);
    });
    it.each([
      ['array', []],
      ['string', 'x'],
      ['number', 1],
    ])('fail/payload-%s', async (_n, payload) => {
      expectProblem(await client.post(newOrder, payload), 'malformed', 400);
    });
    it('fail/payload-not-json', async () => {
      const header = b64({ alg: 'ES256', nonce: await bench.nonce(), url: newOrder, kid: client.kid });
      const jws = signJws(client.key, { nonce: await bench.nonce(), url: newOrder, kid: client.kid }, {});
      const broken = { ...jws, protected: header, payload: b64('{nope') };
      expectProblem(await raw(newOrder, JSON.stringify(broken)), 'malformed', 400);
    });
    it('fail/GET-on-a-POST-as-GET-resource is 405', async () => {
      const order = await client.order(['get.example']);
      const res = await request(bench.app).get(bench.path(order.headers.location as string));
      expectProblem(res, 'malformed', 405);
      expect(res.headers.allow).toBe('POST');
    });
    it('fail/unknown-resource is 404', async () => {
      expectProblem(await request(bench.app).get(`/acme/${bench.profile}/nope`), 'malformed', 404);
    });
    it('fail/unknown-directory is 404', async () => {
      expectProblem(await request(bench.app).get('/acme/no-such-profile/directory'), 'malformed', 404);
    });
  });
});
