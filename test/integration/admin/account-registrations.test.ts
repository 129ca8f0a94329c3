/**
 * ACME account registrations in the approval queue, as an approver sees them over the admin API:
 * listed by kind, shown without a CSR, approved without anything being issued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { adminHarness, type AdminHarness } from './harness.js';

describe.each(dialects)('account registrations in the admin API on %s', (dialect) => {
  let h: AdminHarness;
  beforeAll(async () => {
    h = await adminHarness(dialect);
  });
  afterAll(() => h.cleanup());

  it('When an ACME account waits for approval, Then the queue lists it as an account, its details carry no CSR, and approving it issues nothing', async () => {
    const profile = await h.profile({ acme: { accountApprovalRequired: true } } as never);
    const registration = await h.core.submitAccountRegistration({
      protocol: 'acme',
      profile,
      requester: 'https://gw.test:8443/acme/x/account/a1',
      externalRef: 'account:a1',
      subject: 'mailto:ops@example.com',
    });
    const listed = await h.api
      .get('/api/v1/requests?kind=account&status=pending')
      .set(h.as('bob'))
      .expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: registration.id, kind: 'account', subject: 'mailto:ops@example.com' }),
    ]);
    const certificates = await h.api.get('/api/v1/requests?kind=certificate').set(h.as('bob')).expect(200);
    expect(certificates.body.items.map((r: { id: string }) => r.id)).not.toContain(registration.id);

    const details = await h.api.get(`/api/v1/requests/${registration.id}`).set(h.as('bob')).expect(200);
    expect(details.body).toMatchObject({ kind: 'account', csr: null, findings: [], queueState: 'new' });

    const decided = await h.api
      .post(`/api/v1/requests/${registration.id}/approve`)
      .set(h.as('bob'))
      .send({ comment: 'known team' })
      .expect(200);
    expect(decided.body).toMatchObject({
      outcome: 'approved',
      request: { status: 'approved', certificateSerial: null },
    });
    const issued = await h.api
      .get(`/api/v1/certificates?requestId=${registration.id}`)
      .set(h.as('bob'))
      .expect(200);
    expect(issued.body.items).toEqual([]);
  });
});
