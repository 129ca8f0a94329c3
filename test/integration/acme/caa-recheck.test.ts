/**
 * CAA at issuance (CA/Browser Forum Baseline Requirements §3.2.2.8): with the profile's caaCheck on,
 * an order that reuses an authorization validated more than 8 hours ago has CAA checked again at
 * finalize. CAA records published since then refuse the order with a caa problem and leave it
 * invalid; a recent validation is relied on without asking DNS again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import type { DnsResolver } from '../../../protocols/acme/challenges/resolver.js';
import { defaultAcmeSettings } from '../../../src/core/profiles/profile.js';
import { acmeBench, type Bench } from './harness.js';

const HOUR = 3_600_000;
const csrFor = (name: string) =>
  Buffer.from(makeCsr({ subject: `CN=${name}`, dnsNames: [name] }).der).toString('base64url');

describe.each(dialects)('ACME CAA recheck at finalize (%s)', (dialect) => {
  let bench: Bench;
  const caa = new Map<string, { critical: number; tag: string; value: string }[]>();
  const asked: string[] = [];
  const resolver: DnsResolver = {
    addresses: async () => ['127.0.0.1'],
    txt: async () => [],
    caa: async (name) => {
      asked.push(name);
      return caa.get(name) ?? [];
    },
  };
  beforeAll(async () => {
    bench = await acmeBench(
      dialect,
      { acme: { ...defaultAcmeSettings(), caaCheck: true } },
      { authzReuseSeconds: 30 * 24 * 3600, orderLifetimeSeconds: 24 * 3600 },
      undefined,
      undefined,
      { resolver, validLifetimeSeconds: 30 * 24 * 3600 },
    );
  });
  afterAll(() => bench.cleanup());

  it('When the reused authorization is recent, Then finalize issues without asking DNS again', async () => {
    const c = bench.client();
    await c.register();
    const first = await c.order(['recent.example']);
    await c.authorize(first.body);
    bench.t.clock.advance(7 * HOUR);
    const second = await c.order(['recent.example']);
    expect(second.body.status).toBe('ready');
    asked.length = 0;
    const done = await c.post(second.body.finalize, { csr: csrFor('recent.example') });
    expect(done.body.status).toBe('valid');
    expect(asked).toEqual([]);
  });

  it('When the reused authorization is older than 8 hours, Then CAA is asked again: allowed issues, forbidden leaves the order invalid', async () => {
    const c = bench.client();
    await c.register();
    for (const name of ['still.example', 'since.example']) await c.authorize((await c.order([name])).body);
    bench.t.clock.advance(9 * HOUR);

    const allowed = await c.order(['still.example']);
    asked.length = 0;
    expect((await c.post(allowed.body.finalize, { csr: csrFor('still.example') })).body.status).toBe('valid');
    expect(asked).toContain('still.example');

    caa.set('since.example', [{ critical: 0, tag: 'issue', value: 'other-ca.test' }]);
    const refused = await c.order(['since.example']);
    const res = await c.post(refused.body.finalize, { csr: csrFor('since.example') });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('urn:ietf:params:acme:error:caa');
    expect(res.body.detail).toContain('since.example');
    const order = await c.post(res.headers.location ?? refused.headers.location, '');
    expect(order.body.status).toBe('invalid');
    expect(order.body.error.type).toBe('urn:ietf:params:acme:error:caa');
  });
});
