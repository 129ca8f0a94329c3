/** The approval queue shows an ACME client's retries as one request with its attempts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('request attempts in the admin API (%s)', (dialect) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.cleanup());

  it('When an ACME account ordered the same names twice while pending, Then the request and the queue list show 2 attempts with the last one’s time', async () => {
    const profile = await h.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const submit = (ref: string) =>
      h.core.submit({
        protocol: 'acme',
        profile: profile.id,
        requester: 'https://gw.test:8443/acme/acct/a1',
        csr: makeCsr({ subject: 'CN=retry.example', dnsNames: ['retry.example'] }).der,
        externalRef: ref,
        approvalKey: { account: 'a1', identifiers: ['dns:retry.example'] },
      });
    const first = await submit('order-1');
    h.clock.advance(60_000);
    await submit('order-2');
    if (first.outcome !== 'pending') throw new Error(first.outcome);
    const lastAt = h.clock.now().toISOString();

    const one = await h.api.get(`/api/v1/requests/${first.request.id}`).set(h.as('bob')).expect(200);
    expect(one.body).toMatchObject({
      attempts: { count: 2, lastAt },
      externalRef: 'order-2',
      decidedAt: null,
    });
    expect(one.body).not.toHaveProperty('approvalKey');
    expect(one.body.audit.map((e: { action: string }) => e.action)).toContain('request.attempt-joined');

    const list = await h.api
      .get(`/api/v1/requests?status=pending&profileId=${profile.id}`)
      .set(h.as('bob'))
      .expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id: first.request.id, attempts: { count: 2, lastAt } });

    await h.api.post(`/api/v1/requests/${first.request.id}/approve`).set(h.as('bob')).send({}).expect(200);
    const decided = await h.api.get(`/api/v1/requests/${first.request.id}`).set(h.as('bob')).expect(200);
    expect(decided.body).toMatchObject({ status: 'issued', decidedAt: lastAt });
  });

  it('When a profile sets approval.decisionWindowHours, Then 0 is kept and a negative window is refused naming the field', async () => {
    const approval = { required: true, approvers: 1, pendingTtlHours: 24 };
    const off = await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({ name: 'window-off', settings: { approval: { ...approval, decisionWindowHours: 0 } } })
      .expect(201);
    expect(off.body.approval.decisionWindowHours).toBe(0);
    const bad = await h.api
      .post('/api/v1/profiles')
      .set(h.as('root'))
      .send({ name: 'window-bad', settings: { approval: { ...approval, decisionWindowHours: -1 } } })
      .expect(400);
    expect(bad.body.message).toContain('decisionWindowHours');
  });
});
