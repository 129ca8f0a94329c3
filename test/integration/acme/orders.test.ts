/**
 * RFC 8555 §7.4–7.5: order and authorization state transitions, identifiers, finalize's CSR checks,
 * certificate access, and the approval paths (processing + Retry-After, then valid or invalid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { interruptedFinalizeMs } from '../../../protocols/acme/handlers/shared.js';
import { acmeBench, thumbprintOf, type Bench, type Client } from './harness.js';

const csrB64 = (der: Uint8Array) => Buffer.from(der).toString('base64url');
const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

describe.each(dialects)('ACME orders and authorizations (%s)', (dialect) => {
  let bench: Bench;
  let c: Client;
  beforeAll(async () => {
    bench = await acmeBench(dialect, {
      domainPolicy: {
        allowedSuffixes: ['example', 'example.com', '192.0.2.0'],
        allowWildcards: true,
        allowIpAddresses: true,
      },
    });
    c = bench.client();
    await c.register();
  });
  afterAll(() => bench.cleanup());

  it('When an order names dns and ip identifiers, Then one authorization each, with the identifiers normalized', async () => {
    const order = await c.order(['A.Example.', '192.0.2.7']);
    expect(order.status).toBe(201);
    expect(order.body.identifiers).toEqual([
      { type: 'dns', value: 'a.example' },
      { type: 'ip', value: '192.0.2.7' },
    ]);
    expect(order.body.authorizations).toHaveLength(2);
    expect(order.headers['retry-after']).toBeDefined();
    const ip = await c.post(order.body.authorizations[1], '');
    expect(ip.body.challenges.map((ch: { type: string }) => ch.type)).toEqual(['http-01']);
  });

  it('When a wildcard is ordered but only http-01 is enabled, Then rejectedIdentifier (§7.1.3: wildcards need dns-01)', async () => {
    const res = await c.order(['*.w.example']);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(err('rejectedIdentifier'));
  });

  it.each([
    ['unsupportedIdentifier', [{ type: 'email', value: 'a@example' }]],
    ['rejectedIdentifier', [{ type: 'dns', value: 'bad..name' }]],
    ['rejectedIdentifier', [{ type: 'dns', value: 'other.org' }]],
    ['rejectedIdentifier', [{ type: 'ip', value: '999.1.1.1' }]],
    ['malformed', []],
    ['malformed', 'a.example'],
    ['malformed', [{ type: 'dns' }]],
  ])('When newOrder has a bad identifier, Then %s', async (type, identifiers) => {
    const res = await c.post(bench.url('/new-order'), { identifiers });
    expect(res.status).toBe(400);
    expect(res.body.type).toBe(err(type));
  });

  it('When several identifiers are refused, Then the problem lists one subproblem per identifier', async () => {
    const res = await c.post(bench.url('/new-order'), {
      identifiers: [
        { type: 'dns', value: 'ok.example' },
        { type: 'dns', value: 'x.org' },
        { type: 'dns', value: 'y.org' },
      ],
    });
    expect(res.body.type).toBe(err('rejectedIdentifier'));
    expect(res.body.subproblems).toHaveLength(2);
    expect(res.body.subproblems[0]).toMatchObject({
      type: err('rejectedIdentifier'),
      identifier: { type: 'dns', value: 'x.org' },
    });
  });

  it('When notBefore/notAfter are outside the profile validity or not dates, Then malformed', async () => {
    const now = Date.now();
    for (const extra of [
      { notAfter: new Date(now + 400 * 86_400_000).toISOString() },
      { notBefore: 'yesterday' },
      { notBefore: new Date(now + 3600_000).toISOString(), notAfter: new Date(now).toISOString() },
    ]) {
      const res = await c.post(bench.url('/new-order'), {
        identifiers: [{ type: 'dns', value: 'nb.example' }],
        ...extra,
      });
      expect(res.body.type).toBe(err('malformed'));
    }
    const ok = await c.post(bench.url('/new-order'), {
      identifiers: [{ type: 'dns', value: 'nb.example' }],
      notAfter: new Date(now + 10 * 86_400_000).toISOString(),
    });
    expect(ok.status).toBe(201);
    expect(ok.body.notAfter).toBeDefined();
  });

  it('When finalize comes before the authorizations are valid, Then orderNotReady', async () => {
    const order = await c.order(['early.example']);
    const res = await c.post(order.body.finalize, {
      csr: csrB64(makeCsr({ dnsNames: ['early.example'] }).der),
    });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe(err('orderNotReady'));
  });

  it('When the http-01 response is wrong, Then challenge, authorization and order become invalid with the error', async () => {
    const order = await c.order(['wrong.example']);
    const authz = (await c.post(order.body.authorizations[0], '')).body;
    bench.http01.set(authz.challenges[0].token, 'not-the-key-authorization');
    const started = await c.post(authz.challenges[0].url, {});
    expect(started.body.status).toBe('processing');
    await bench.face.deps.validator.idle();
    const after = await c.post(order.body.authorizations[0], '');
    expect(after.body.status).toBe('invalid');
    expect(after.body.challenges[0].error.type).toBe(err('incorrectResponse'));
    const o = await c.post(order.headers.location as string, '');
    expect(o.body.status).toBe('invalid');
    expect(o.body.error.subproblems[0]).toMatchObject({
      type: err('incorrectResponse'),
      identifier: { value: 'wrong.example' },
    });
  });

  it('When a challenge payload is not empty, Then malformed; an unknown challenge type is 404', async () => {
    const order = await c.order(['ch.example']);
    const authz = (await c.post(order.body.authorizations[0], '')).body;
    expect((await c.post(authz.challenges[0].url, { keyAuthorization: 'x' })).body.type).toBe(
      err('malformed'),
    );
    expect((await c.post(authz.challenges[0].url.replace('http-01', 'dns-99'), '')).status).toBe(404);
  });

  it('When an authorization is deactivated, Then its order becomes invalid', async () => {
    const order = await c.order(['deact.example']);
    const res = await c.post(order.body.authorizations[0], { status: 'deactivated' });
    expect(res.body.status).toBe('deactivated');
    expect((await c.post(order.body.authorizations[0], { status: 'deactivated' })).body.type).toBe(
      err('malformed'),
    );
    expect((await c.post(order.headers.location as string, '')).body.status).toBe('invalid');
  });

  it('When a valid authorization exists for a name, Then a new order reuses it and is ready at once', async () => {
    const first = await c.order(['reuse.example']);
    await c.authorize(first.body);
    const second = await c.order(['reuse.example']);
    expect(second.body.status).toBe('ready');
    expect(second.body.authorizations).toEqual(first.body.authorizations);
  });

  it('When an order outlives its expiry, Then it is invalid; a pending authorization is expired', async () => {
    const order = await c.order(['late.example']);
    bench.t.clock.advance(3601_000);
    try {
      const o = await c.post(order.headers.location as string, '');
      expect(o.body.status).toBe('invalid');
      expect((await c.post(order.body.authorizations[0], '')).body.status).toBe('expired');
    } finally {
      bench.t.clock.advance(-3601_000);
    }
  });

  it('When a ready order expires, Then it is invalid; a valid authorization can be deactivated and is not reused', async () => {
    const order = await c.order(['ready-late.example']);
    await c.authorize(order.body);
    expect((await c.post(order.headers.location as string, '')).body.status).toBe('ready');
    bench.t.clock.advance(3601_000);
    try {
      expect((await c.post(order.headers.location as string, '')).body.status).toBe('invalid');
    } finally {
      bench.t.clock.advance(-3601_000);
    }
    const deact = await c.post(order.body.authorizations[0], { status: 'deactivated' });
    expect(deact.body.status).toBe('deactivated');
    const again = await c.order(['ready-late.example']);
    expect(again.body.status).toBe('pending');
    expect(again.body.authorizations).not.toEqual(order.body.authorizations);
  });

  describe('finalize CSR checks', () => {
    let ready: { finalize: string; location: string };
    beforeAll(async () => {
      const order = await c.order(['fin.example', 'www.fin.example']);
      await c.authorize(order.body);
      ready = { finalize: order.body.finalize, location: order.headers.location as string };
    });
    it.each([
      ['missing name', { dnsNames: ['fin.example'] }],
      ['extra name', { dnsNames: ['fin.example', 'www.fin.example', 'x.fin.example'] }],
      ['CN not in order', { subject: 'CN=other.example', dnsNames: ['fin.example', 'www.fin.example'] }],
      ['extra IP', { dnsNames: ['fin.example', 'www.fin.example'], ipAddresses: ['192.0.2.1'] }],
    ])('When the CSR has a %s, Then badCSR and the order stays ready', async (_n, opts) => {
      const res = await c.post(ready.finalize, {
        csr: csrB64(makeCsr({ subject: 'CN=fin.example', ...opts }).der),
      });
      expect(res.status).toBe(400);
      expect(res.body.type).toBe(err('badCSR'));
      expect((await c.post(ready.location, '')).body.status).toBe('ready');
    });
    it('When the CSR is not DER, Then badCSR; when csr is missing, Then malformed', async () => {
      expect((await c.post(ready.finalize, { csr: 'AAAA' })).body.type).toBe(err('badCSR'));
      expect((await c.post(ready.finalize, {})).body.type).toBe(err('malformed'));
      expect((await c.post(ready.finalize, { csr: 'a+b/' })).body.type).toBe(err('malformed'));
    });
    it('When the CSR signature is broken, Then badCSR', async () => {
      const der = Buffer.from(makeCsr({ dnsNames: ['fin.example', 'www.fin.example'] }).der);
      der[der.length - 5] ^= 0xff;
      expect((await c.post(ready.finalize, { csr: csrB64(der) })).body.type).toBe(err('badCSR'));
    });
    it('When the CSR key is the account key, Then badCSR', async () => {
      const csr = makeCsr({
        key: { privateKey: c.key.privateKey, publicKey: c.key.publicKey },
        subject: 'CN=fin.example',
        dnsNames: ['fin.example', 'www.fin.example'],
      });
      const res = await c.post(ready.finalize, { csr: csrB64(csr.der) });
      expect(res.body.type).toBe(err('badCSR'));
      expect(res.body.detail).toContain('account key');
    });
    it('When the CSR is right, Then valid; a second finalize is orderNotReady; another account cannot see it', async () => {
      const res = await c.post(ready.finalize, {
        csr: csrB64(makeCsr({ subject: 'CN=fin.example', dnsNames: ['www.fin.example', 'fin.example'] }).der),
      });
      expect(res.body.status).toBe('valid');
      expect(res.headers.location).toBe(ready.location);
      const again = await c.post(ready.finalize, {
        csr: csrB64(makeCsr({ dnsNames: ['fin.example', 'www.fin.example'] }).der),
      });
      expect(again.body.type).toBe(err('orderNotReady'));
      const stranger = bench.client();
      await stranger.register();
      expect((await stranger.post(ready.location, '')).status).toBe(404);
      expect((await stranger.post(res.body.certificate, '')).status).toBe(404);
      const alt = await c.post(`${res.body.certificate}/1`, '');
      expect(alt.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
      expect((await c.post(`${res.body.certificate}/2`, '')).status).toBe(404);
    });
  });

  it('When the CSR key breaks the profile key policy, Then the order is invalid with badCSR', async () => {
    const strict = await acmeBench(dialect, {
      keyPolicy: { algorithms: ['rsa'], minRsaBits: 2048, ecCurves: [], generate: 'rsa-2048' },
    });
    try {
      const s = strict.client();
      await s.register();
      const res = await s.issue(
        ['k.example'],
        makeCsr({ subject: 'CN=k.example', dnsNames: ['k.example'] }).der,
      );
      expect(res.status).toBe(400);
      expect(res.body.type).toBe(err('badCSR'));
    } finally {
      await strict.cleanup();
    }
  });

  it('When finalize died before the core recorded a request, Then polling ends with serverInternal after a minute', async () => {
    const c = bench.client();
    await c.register();
    const order = await c.order(['interrupted.example']);
    await c.authorize(order.body);
    const orderId = (order.headers.location as string).split('/').pop() as string;
    const ready = await bench.face.deps.store.orders.get(orderId);
    if (!ready) throw new Error('no order');
    // What a crash between finalize's compare-and-set and core.submit leaves behind.
    await bench.face.deps.store.orders.update(
      { ...ready, status: 'processing', updatedAt: bench.t.clock.now() },
      ready.status,
    );
    expect((await c.post(order.headers.location as string, '')).body.status).toBe('processing');
    bench.t.clock.advance(interruptedFinalizeMs + 1);
    const poll = await c.post(order.headers.location as string, '');
    expect(poll.body.status).toBe('invalid');
    expect(poll.body.error.type).toBe(err('serverInternal'));
  });

  describe('approval', () => {
    let gated: Bench;
    let g: Client;
    beforeAll(async () => {
      gated = await acmeBench(dialect, { approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
      g = gated.client();
      await g.register();
    });
    afterAll(() => gated.cleanup());

    it('When the profile requires approval, Then finalize answers processing with Retry-After until approved, then valid', async () => {
      const res = await g.issue(
        ['gated.example'],
        makeCsr({ subject: 'CN=gated.example', dnsNames: ['gated.example'] }).der,
      );
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('processing');
      expect(res.headers['retry-after']).toBe('2');
      const location = res.headers.location as string;
      const poll = await g.post(location, '');
      expect(poll.body.status).toBe('processing');
      expect(poll.headers['retry-after']).toBe('2');
      const orderId = location.split('/').pop() as string;
      const request = await gated.t.core.store.requests.findByExternalRef('acme', orderId);
      expect(request?.requester).toBe(g.kid);
      await gated.t.core.decide({ requestId: request?.id as string, actor: 'approver', decision: 'approve' });
      const done = await g.post(location, '');
      expect(done.body.status).toBe('valid');
      expect((await g.post(done.body.certificate, '')).status).toBe(200);
    });

    it('When the approver rejects, Then the order is invalid with an error naming the reason', async () => {
      const res = await g.issue(
        ['rejected.example'],
        makeCsr({ subject: 'CN=rejected.example', dnsNames: ['rejected.example'] }).der,
      );
      const orderId = (res.headers.location as string).split('/').pop() as string;
      const request = await gated.t.core.store.requests.findByExternalRef('acme', orderId);
      await gated.t.core.decide({
        requestId: request?.id as string,
        actor: 'approver',
        decision: 'reject',
        comment: 'not our host',
      });
      const done = await g.post(res.headers.location as string, '');
      expect(done.body.status).toBe('invalid');
      expect(done.body.error.type).toBe(err('unauthorized'));
      expect(done.body.error.detail).toContain('not our host');
    });
  });

  it('keyAuthorization uses the RFC 7638 thumbprint', () => {
    expect(
      thumbprintOf({
        kty: 'RSA',
        e: 'AQAB',
        n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      }),
    ).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  });
});
