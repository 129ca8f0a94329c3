/**
 * What the admin API tells a person: binary values as base64, refusals worded from one table, a
 * reminder that cannot be sent reported as such instead of "queued".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { makeCsr } from '../../helpers/pki.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('readable admin API answers on %s', (dialect) => {
  let h: AdminHarness;
  let gated: string;
  beforeAll(async () => {
    h = await adminHarness(dialect);
    await h.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } }, 'gated');
    await h.profile(
      { domainPolicy: { allowedSuffixes: ['corp.example'], allowWildcards: false, allowIpAddresses: false } },
      'corp',
    );
  });
  afterAll(() => h.cleanup());

  const post = (user: keyof AdminHarness['tokens'], path: string, body: object = {}) =>
    h.api.post(`/api/v1${path}`).set(h.as(user)).send(body);

  const submitGated = async (name: string) => {
    const csr = makeCsr({ dnsNames: [name] });
    const res = await post('alice', '/enrollments/p10', { profile: 'gated', csr: csr.pem }).expect(202);
    return { id: res.body.request.id as string, csr };
  };

  it('When request details are read, Then the CSR public key is base64 DER, not a Buffer serialised by index', async () => {
    const { id, csr } = await submitGated('details.example');
    gated = id;
    const res = await h.api.get(`/api/v1/requests/${id}`).set(h.as('bob')).expect(200);
    const expected = csr.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(res.body.csr.publicKey).toEqual({ algorithm: 'ec', curve: 'P-256', spkiDer: expected });
  });

  it('When a role lacks a permission, Then the refusal names the role and the action in words', async () => {
    const approve = await post('alice', `/requests/${gated}/approve`).expect(403);
    expect(approve.body).toMatchObject({
      code: 'forbidden',
      message: 'The operator role may not decide requests',
    });
    const token = await post('dave', '/tokens', { subject: 'x', role: 'admin' }).expect(403);
    expect(token.body.message).toBe('The auditor role may not manage API tokens');
  });

  it('When a rejection has no reason, Then it is refused saying a reason is required, alone or in bulk', async () => {
    for (const body of [{}, { comment: '   ' }, { comment: null }]) {
      const res = await post('bob', `/requests/${gated}/reject`, body).expect(400);
      expect(res.body).toMatchObject({ code: 'invalid_input', message: 'A reason is required to reject' });
    }
    const bulk = await post('bob', '/requests/bulk-decision', { decision: 'reject', ids: [gated] }).expect(
      200,
    );
    expect(bulk.body.results).toEqual([
      { id: gated, ok: false, error: { code: 'invalid_input', message: 'A reason is required to reject' } },
    ]);
  });

  it('When no mail server or webhook is configured, Then resending the approval notification is a 409 saying so', async () => {
    const res = await post('bob', `/requests/${gated}/resend-approval-notification`).expect(409);
    expect(res.body).toMatchObject({
      code: 'notifications_not_configured',
      message: expect.stringMatching(/No mail server .* or webhook/),
    });
    const events = (await h.api.get(`/api/v1/requests/${gated}/audit`).set(h.as('root')).expect(200)).body
      .items as { action: string }[];
    expect(events.map((e) => e.action)).not.toContain('request.approval-reminder');
  });

  it('When an ACME or SCEP request is resent, Then the refusal says their clients resend their own requests', async () => {
    for (const protocol of ['acme', 'scep'] as const) {
      const refused = await h.core.submit({
        protocol,
        profile: 'corp',
        requester: 'client',
        csr: makeCsr({ dnsNames: [`${protocol}.elsewhere.example`] }).der,
      });
      expect(refused.outcome).toBe('rejected');
      if (refused.outcome !== 'rejected' || !refused.request) return;
      const res = await post('bob', `/requests/${refused.request.id}/resend-enrollment`).expect(409);
      expect(res.body).toMatchObject({
        code: 'invalid_state',
        message: 'ACME and SCEP clients resend their own requests',
      });
    }
  });
});

describe('resending an approval notification with a channel configured', () => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness('sqlite', { notificationChannels: true });
    await h.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } }, 'gated');
  });
  afterAll(() => h.cleanup());

  it('When mail or webhooks are configured, Then the reminder is queued (202) and audited', async () => {
    const csr = makeCsr({ dnsNames: ['remind.example'] });
    const submitted = await h.api
      .post('/api/v1/enrollments/p10')
      .set(h.as('alice'))
      .send({ profile: 'gated', csr: csr.pem })
      .expect(202);
    const id = submitted.body.request.id as string;
    const res = await h.api
      .post(`/api/v1/requests/${id}/resend-approval-notification`)
      .set(h.as('bob'))
      .expect(202);
    expect(res.body).toEqual({ queued: true });
    const events = (await h.api.get(`/api/v1/requests/${id}/audit`).set(h.as('root')).expect(200)).body
      .items as { action: string }[];
    expect(events.map((e) => e.action)).toContain('request.approval-reminder');
  });
});
