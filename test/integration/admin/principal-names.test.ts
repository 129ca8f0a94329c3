/**
 * One person, however their name is written: a requester cannot approve their own request under a
 * token whose subject differs only in case or width, nor count twice as an approver; a token subject
 * with control or bidirectional characters is refused when the token is made.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('principal names in approvals and tokens (%s)', (dialect) => {
  let h: AdminHarness;
  let gated: string;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    gated = (await h.profile({ approval: { required: true, approvers: 2, pendingTtlHours: 24 } })).name;
  });
  afterAll(() => h.cleanup());

  const tokenFor = async (subject: string) =>
    `Bearer ${(await h.core.createToken({ subject, role: 'approver', actor: 'root' })).token}`;

  const pendingByAlice = async () => {
    const res = await h.api
      .post('/api/v1/enrollments/p10')
      .set(h.as('alice'))
      .send({ profile: gated, csr: makeCsr({ dnsNames: ['gated.example.net'] }).pem })
      .expect(202);
    return res.body.request.id as string;
  };

  it.each([
    ['upper case', 'ALICE'],
    ['full-width letters', 'ａｌｉｃｅ'],
    ['a zero-width space', 'ali\u200Bce'],
  ])(
    'When the requester approves under a subject written in %s, Then 403 self_approval',
    async (_, subject) => {
      const id = await pendingByAlice();
      const res = await h.api
        .post(`/api/v1/requests/${id}/approve`)
        .set({ Authorization: await tokenFor(subject) })
        .send({})
        .expect(403);
      expect(res.body.code).toBe('self_approval');
    },
  );

  it('When one approver approves again under a differently cased subject, Then 409 already_decided and one approval counts', async () => {
    const id = await pendingByAlice();
    await h.api.post(`/api/v1/requests/${id}/approve`).set(h.as('bob')).send({}).expect(200);
    const again = await h.api
      .post(`/api/v1/requests/${id}/approve`)
      .set({ Authorization: await tokenFor('Bob') })
      .send({})
      .expect(409);
    expect(again.body.code).toBe('already_decided');
    expect((await h.store.requests.get(id))?.status).toBe('pending');
    const issued = await h.api.post(`/api/v1/requests/${id}/approve`).set(h.as('carol')).send({}).expect(200);
    expect(issued.body.outcome).toBe('issued');
  });

  it.each([
    ['a right-to-left override', 'ali\u202Ece', 'bidirectional control character (U+202E) at position 4'],
    ['a bell', 'bob\u0007', 'control character (U+0007) at position 4'],
  ])('When a token subject holds %s, Then 400 invalid_name and no token', async (_, subject, where) => {
    const before = await h.store.tokens.count();
    const res = await h.api
      .post('/api/v1/tokens')
      .set(h.as('root'))
      .send({ subject, role: 'approver' })
      .expect(400);
    expect(res.body).toMatchObject({
      code: 'invalid_name',
      message: `The token subject contains a ${where}`,
    });
    expect(await h.store.tokens.count()).toBe(before);
  });

  it('When a token subject holds a NUL, Then the input guard refuses it before the core, and no token', async () => {
    const before = await h.store.tokens.count();
    const res = await h.api
      .post('/api/v1/tokens')
      .set(h.as('root'))
      .send({ subject: 'bob\u0000', role: 'approver' })
      .expect(400);
    expect(res.body.code).toBe('nul_character');
    expect(await h.store.tokens.count()).toBe(before);
  });
});
