/** Rate limits: new accounts per IP, new orders per account, failed validations per account. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { acmeBench, Client, type Bench } from './harness.js';

const err = (type: string) => `urn:ietf:params:acme:error:${type}`;

describe.each(dialects)('ACME rate limits (%s)', (dialect) => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await acmeBench(dialect, {}, {}, undefined, {
      newAccountsPerIpPerHour: 3,
      newOrdersPerAccountPerHour: 2,
      failedValidationsPerAccountPerHour: 1,
    });
  });
  afterAll(() => bench.cleanup());

  it('When an address registers more accounts than allowed, Then rateLimited with Retry-After; a known key still answers 200', async () => {
    const first = bench.client();
    expect((await first.register()).status).toBe(201);
    expect((await bench.client().register()).status).toBe(201);
    expect((await bench.client().register()).status).toBe(201);
    const refused = await bench.client().register();
    expect(refused.status).toBe(429);
    expect(refused.body.type).toBe(err('rateLimited'));
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(3000);
    expect(refused.headers['replay-nonce']).toBeTruthy();
    expect((await first.register()).status).toBe(200);
    bench.t.clock.advance(3601_000);
    expect((await bench.client().register()).status).toBe(201);
  });

  it('When an account orders more than allowed, Then rateLimited; failed validations block further orders', async () => {
    const c = bench.client();
    await c.register();
    expect((await c.order(['a.example'])).status).toBe(201);
    const order = await c.order(['b.example']);
    expect(order.status).toBe(201);
    expect((await c.order(['c.example'])).body.type).toBe(err('rateLimited'));

    const d = bench.client();
    bench.t.clock.advance(3601_000); // a new window for registrations
    await d.register();
    const failing = await d.order(['f.example']);
    const authz = (await d.post(failing.body.authorizations[0], '')).body;
    bench.http01.set(authz.challenges[0].token, 'wrong');
    await d.post(authz.challenges[0].url, {});
    await bench.face.deps.validator.idle();
    const blocked = await d.order(['d.example']);
    expect(blocked.status).toBe(429);
    expect(blocked.body.detail).toContain('failed validations');
  });

  it('When two instances share the database, Then they count against one limit, concurrent orders included', async () => {
    const limits = {
      newAccountsPerIpPerHour: 0,
      newOrdersPerAccountPerHour: 4,
      failedValidationsPerAccountPerHour: 0,
    };
    const a = await acmeBench(dialect, {}, {}, undefined, limits);
    const b = await acmeBench(dialect, {}, {}, { t: a.t, profile: a.profile, nonceKey: a.nonceKey }, limits);
    const onA = a.client();
    await onA.register();
    const onB = new Client(b, onA.key);
    onB.kid = onA.kid;
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? onA : onB).order([`n${i}.example`])),
    );
    expect(sent.filter((r) => r.status === 201)).toHaveLength(4);
    const refused = sent.filter((r) => r.status === 429);
    expect(refused).toHaveLength(6);
    expect(refused.every((r) => r.body.type === err('rateLimited'))).toBe(true);
    await b.face.deps.validator.idle();
    await a.cleanup();
  });
});
