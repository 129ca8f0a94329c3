/** RFC 9773 renewalInfo and `replaces`; RFC 8555 §7.4.1 pre-authorization; a disabled profile; internal errors. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { problem } from '../../../protocols/acme/problems.js';
import { acmeBench, certId, type Bench, type Client } from './harness.js';

const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

describe.each(dialects)('ACME ARI, pre-authorization and edge cases (%s)', (dialect) => {
  let bench: Bench;
  let c: Client;
  let id: string;
  beforeAll(async () => {
    bench = await acmeBench(dialect);
    c = bench.client();
    await c.register();
    const fin = await c.issue(
      ['ari.example'],
      makeCsr({ subject: 'CN=ari.example', dnsNames: ['ari.example'] }).der,
    );
    id = certId((await c.post(fin.body.certificate, '')).text);
  });
  afterAll(() => bench.cleanup());

  it('When renewalInfo is fetched (GET), Then a suggested window inside the lifetime with Retry-After', async () => {
    const res = await request(bench.app).get(`/acme/${bench.profile}/renewal-info/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers['retry-after']).toBe('21600');
    const start = new Date(res.body.suggestedWindow.start).getTime();
    const end = new Date(res.body.suggestedWindow.end).getTime();
    expect(end).toBeGreaterThan(start);
    expect(start).toBeGreaterThan(Date.now() + 30 * 86_400_000);
    expect((await request(bench.app).get(`/acme/${bench.profile}/renewal-info/nope`)).body.type).toBe(
      err('malformed'),
    );
    expect((await request(bench.app).get(`/acme/${bench.profile}/renewal-info/AA.AQID`)).status).toBe(404);
  });

  it('When a new order replaces the certificate, Then it carries replaces; a second replacement is alreadyReplaced', async () => {
    const body = (replaces: string) => ({ identifiers: [{ type: 'dns', value: 'ari.example' }], replaces });
    const first = await c.post(bench.url('/new-order'), body(id));
    expect(first.status).toBe(201);
    expect(first.body.replaces).toBe(id);
    const second = await c.post(bench.url('/new-order'), body(id));
    expect(second.status).toBe(409);
    expect(second.body.type).toBe(err('alreadyReplaced'));
    const stranger = bench.client();
    await stranger.register();
    expect((await stranger.post(bench.url('/new-order'), body(id))).body.type).toBe(err('unauthorized'));
    expect((await c.post(bench.url('/new-order'), body('garbage'))).body.type).toBe(err('malformed'));
  });

  it('When an identifier is pre-authorized (newAuthz), Then a later order reuses the valid authorization', async () => {
    const res = await c.post(bench.url('/new-authz'), { identifier: { type: 'dns', value: 'pre.example' } });
    expect(res.status).toBe(201);
    expect(res.headers.location).toMatch(/\/authz\//);
    await c.authorize({ authorizations: [res.headers.location as string] });
    const order = await c.order(['pre.example']);
    expect(order.body.status).toBe('ready');
    expect(order.body.authorizations).toEqual([res.headers.location]);
    expect(
      (await c.post(bench.url('/new-authz'), { identifier: { type: 'dns', value: '*.pre.example' } })).body
        .type,
    ).toBe(err('rejectedIdentifier'));
    expect((await c.post(bench.url('/new-authz'), {})).body.type).toBe(err('malformed'));
  });

  it('When the profile is disabled, Then its directory answers unauthorized', async () => {
    const other = await acmeBench(dialect);
    try {
      const profile = await other.t.core.store.profiles.getByName(other.profile);
      await other.t.core.setProfileStatus({
        profileId: profile?.id as string,
        status: 'disabled',
        actor: 'admin',
      });
      await new Promise((r) => setTimeout(r, 2100)); // past the profile cache
      const res = await request(other.app).get(`/acme/${other.profile}/directory`);
      expect(res.status).toBe(403);
      expect(res.body.type).toBe(err('unauthorized'));
    } finally {
      await other.cleanup();
    }
  });

  it('When the store fails, Then serverInternal without the internal cause, and still a nonce', async () => {
    const broken = await acmeBench(dialect);
    const client = broken.client();
    await client.register();
    const orders = broken.face.deps.store.orders;
    const original = orders.create.bind(orders);
    orders.create = async () => {
      throw new Error('secret internal detail');
    };
    try {
      const res = await client.order(['boom.example']);
      expect(res.status).toBe(500);
      expect(res.body.type).toBe(err('serverInternal'));
      expect(JSON.stringify(res.body)).not.toContain('secret internal detail');
      expect(res.headers['replay-nonce']).toBeTruthy();
    } finally {
      orders.create = original;
      await broken.cleanup();
    }
  });
});

describe.each(dialects)('ACME validation retries and profiles (%s)', (dialect) => {
  it('When a validation fails transiently, Then it is retried (§8.2) and succeeds; a wrong answer is not retried', async () => {
    let calls = 0;
    const bench = await acmeBench(dialect, {}, {}, undefined, undefined, {
      retryDelaysMs: [10, 10],
      checks: {
        'http-01': async (authz) => {
          calls++;
          if (authz.identifier.value === 'flaky.example' && calls < 3) throw problem.connection('refused');
          if (authz.identifier.value === 'wrong.example') throw problem.incorrectResponse('no');
        },
      },
    });
    try {
      const c = bench.client();
      await c.register();
      const flaky = await c.order(['flaky.example']);
      await c.authorize(flaky.body);
      expect(calls).toBe(3);
      expect((await c.post(flaky.headers.location as string, '')).body.status).toBe('ready');
      calls = 0;
      const wrong = await c.order(['wrong.example']);
      await c.authorize(wrong.body);
      expect(calls).toBe(1);
      expect((await c.post(wrong.headers.location as string, '')).body.status).toBe('invalid');
    } finally {
      await bench.cleanup();
    }
  });

  it('When newOrder names another profile, Then invalidProfile; the order names its profile', async () => {
    const bench = await acmeBench(dialect);
    try {
      const c = bench.client();
      await c.register();
      const res = await c.post(bench.url('/new-order'), {
        identifiers: [{ type: 'dns', value: 'p.example' }],
        profile: 'other',
      });
      expect(res.body.type).toBe(err('invalidProfile'));
      const ok = await c.post(bench.url('/new-order'), {
        identifiers: [{ type: 'dns', value: 'p.example' }],
        profile: bench.profile,
      });
      expect(ok.body.profile).toBe(bench.profile);
    } finally {
      await bench.cleanup();
    }
  });
});
