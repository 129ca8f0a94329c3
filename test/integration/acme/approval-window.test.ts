/**
 * An approval-gated profile with real clients' patience: a client gives up on an order that waits for
 * an approver and orders again. Its orders land on one queue entry; the approval (or the rejection)
 * answers its next run at once.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnrollmentRequest } from '../../../src/core/enrollment/request.js';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { acmeBench, type Bench, type Client } from './harness.js';

const err = (type: string) => `urn:ietf:params:acme:error:${type}`;
const hour = 3_600_000;

describe.each(dialects)('ACME approval window (%s)', (dialect) => {
  let bench: Bench;
  let c: Client;
  beforeEach(async () => {
    bench = await acmeBench(dialect, { approval: { required: true, approvers: 1, pendingTtlHours: 72 } });
    c = bench.client();
    await c.register();
  });
  afterEach(() => bench.cleanup());

  /** One client run: new order, challenges, finalize with a fresh key. */
  const run = async (client: Client, names = ['gated.example', 'www.gated.example']) => {
    const csr = makeCsr({ subject: `CN=${names[0]}`, dnsNames: names });
    const order = await client.order(names);
    await client.authorize(order.body);
    const res = await client.post(order.body.finalize, { csr: Buffer.from(csr.der).toString('base64url') });
    return { res, csr, location: order.headers.location as string };
  };
  const queue = async (): Promise<EnrollmentRequest[]> =>
    (await bench.t.store.search.requests({ status: ['pending'] })).items;
  const decide = async (decision: 'approve' | 'reject', comment?: string) => {
    const [request] = await queue();
    if (!request) throw new Error('nothing pending');
    return bench.t.core.decide({ requestId: request.id, actor: 'approver', decision, comment });
  };

  it('When a client that gave up orders the same identifiers again, Then both finalizes wait on one queue entry with 2 attempts, and the approval issues the newest order', async () => {
    const first = await run(c);
    expect(first.res.body.status).toBe('processing');
    bench.t.clock.advance(90_000);
    const second = await run(c, ['www.gated.example', 'gated.example']);
    expect(second.res.status).toBe(200);
    expect(second.res.body.status).toBe('processing');
    expect(second.res.headers['retry-after']).toBe('2');
    expect((await queue()).map((r) => r.attempts)).toEqual([2]);

    // The earlier order can never get the certificate: its client threw its key away.
    const earlier = await c.post(first.location, '');
    expect(earlier.body.status).toBe('invalid');
    expect(earlier.body.error.detail).toContain(second.location);

    await decide('approve');
    const done = await c.post(second.location, '');
    expect(done.body.status).toBe('valid');
    const pem = (await c.post(done.body.certificate, '')).text;
    const issuedKey = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    expect(issuedKey.equals(second.csr.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('When the approver has approved, Then the client’s next run is issued at finalize without a new approval', async () => {
    await run(c);
    await decide('approve');
    bench.t.clock.advance(2 * hour);
    const next = await run(c);
    expect(next.res.status).toBe(200);
    expect(next.res.body.status).toBe('valid');
    expect(await queue()).toEqual([]);
  });

  it('When the approver has rejected, Then the client’s next run is refused at finalize with the reason, and its order is invalid with it', async () => {
    await run(c);
    await decide('reject', 'This host is being decommissioned');
    const next = await run(c);
    expect(next.res.status).toBe(403);
    expect(next.res.body.type).toBe(err('unauthorized'));
    expect(next.res.body.detail).toContain('This host is being decommissioned');
    const order = await c.post(next.location, '');
    expect(order.body.status).toBe('invalid');
    expect(order.body.error).toMatchObject({ type: err('unauthorized'), detail: next.res.body.detail });
    expect(await queue()).toEqual([]);
  });

  it('When the decision window has passed, Then the next run waits for a new approval', async () => {
    await run(c);
    await decide('approve');
    bench.t.clock.advance(24 * hour + 1);
    const next = await run(c);
    expect(next.res.body.status).toBe('processing');
    expect(await queue()).toHaveLength(1);
  });

  it('When another identifier set or another account orders, Then each waits on its own queue entry', async () => {
    await run(c);
    await run(c, ['gated.example']);
    const other = bench.client();
    await other.register();
    await run(other);
    expect((await queue()).map((r) => r.attempts)).toEqual([1, 1, 1]);
  });
});
