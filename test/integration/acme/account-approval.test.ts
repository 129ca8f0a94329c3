/**
 * A profile that requires approval of new accounts: the account is created at once and its
 * registration waits in the core's approval queue (kind `account`); orders are refused with a
 * reason until the profile's approvers approve it, and for good once one rejects it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveAccount, registrationRef } from '../../../protocols/acme/account-approval.js';
import { defaultAcmeSettings } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { acmeBench, type Bench, type Client } from './harness.js';

describe.each(dialects)('ACME account approval (%s)', (dialect) => {
  let bench: Bench;
  beforeAll(async () => {
    bench = await acmeBench(dialect, {
      acme: { ...defaultAcmeSettings(), accountApprovalRequired: true },
      approval: { required: false, approvers: 2, pendingTtlHours: 24 * 7 },
    });
  });
  afterAll(() => bench.cleanup());

  const idOf = (c: Client) => (c.kid as string).split('/').pop() as string;
  const registrationOf = (c: Client) =>
    bench.t.store.requests.findByExternalRef('acme', registrationRef(idOf(c)));
  const refusal = async (c: Client) => {
    const refused = await c.order(['wait.example']);
    expect(refused.status).toBe(403);
    expect(refused.body.type).toBe('urn:ietf:params:acme:error:unauthorized');
    return refused.body.detail as string;
  };

  it('When a new account registers, Then its registration waits in the approval queue and it may not order or pre-authorize', async () => {
    const c = bench.client();
    expect(
      (await c.register({ termsOfServiceAgreed: true, contact: ['mailto:ops@example.com'] })).status,
    ).toBe(201);
    expect(await registrationOf(c)).toMatchObject({
      kind: 'account',
      protocol: 'acme',
      status: 'pending',
      requester: c.kid,
      subject: 'mailto:ops@example.com',
      requiredApprovals: 2,
    });
    const queue = await bench.t.store.search.requests({ status: ['pending'], kind: 'account' });
    expect(queue.items.map((r) => r.externalRef)).toContain(registrationRef(idOf(c)));
    expect(await refusal(c)).toContain('awaits approval');
    expect(
      (await c.post(bench.url('/new-authz'), { identifier: { type: 'dns', value: 'wait.example' } })).status,
    ).toBe(403);
  });

  it('When the profile’s approvers approve the registration, Then the account orders, and nothing was issued for it', async () => {
    const c = bench.client();
    await c.register();
    const registration = await registrationOf(c);
    const first = await bench.t.core.decide({
      requestId: registration?.id as string,
      actor: 'alice',
      decision: 'approve',
    });
    expect(first.outcome).toBe('recorded');
    expect(await refusal(c)).toContain('awaits approval');
    const second = await bench.t.core.decide({
      requestId: registration?.id as string,
      actor: 'bob',
      decision: 'approve',
    });
    expect(second).toMatchObject({
      outcome: 'approved',
      request: { status: 'approved', certificateSerial: null },
    });
    expect((await c.order(['wait.example'])).status).toBe(201);
    expect((await bench.face.deps.store.accounts.get(idOf(c)))?.approved).toBe(true);
    // A crashed-issuance sweep never takes an approved account registration for a certificate.
    expect(await bench.t.core.resumeApproved()).toBe(0);
  });

  it('When an account was stored without its registration (a crash between the writes), Then its first order puts it in the queue', async () => {
    const c = bench.client();
    await c.register();
    const lost = await registrationOf(c);
    await bench.t.store.knex('enrollment_requests').where({ id: lost?.id }).del();
    expect(await refusal(c)).toContain('awaits approval');
    expect(await registrationOf(c)).toMatchObject({ kind: 'account', status: 'pending' });
    expect(await refusal(c)).toContain('awaits approval');
  });

  it('When an approver rejects the registration, Then orders are refused with the reason', async () => {
    const c = bench.client();
    await c.register();
    const registration = await registrationOf(c);
    await bench.t.core.decide({
      requestId: registration?.id as string,
      actor: 'alice',
      decision: 'reject',
      comment: 'unknown team',
    });
    expect(await refusal(c)).toContain('refused this account: unknown team');
  });

  it('When an operator approves with the CLI, Then it counts as one approver’s decision in the queue, and an account without a pending registration is approved directly', async () => {
    const c = bench.client();
    await c.register();
    await approveAccount(bench.t.core, bench.face.deps.store, idOf(c), 'cli:alice');
    expect(await refusal(c)).toContain('awaits approval');
    await approveAccount(bench.t.core, bench.face.deps.store, idOf(c), 'cli:bob');
    expect((await c.order(['wait.example'])).status).toBe(201);
    const registration = await registrationOf(c);
    expect(
      (await bench.t.store.approvals.listFor(registration?.id as string)).map((a) => a.approver),
    ).toEqual(['cli:alice', 'cli:bob']);

    const expired = bench.client();
    await expired.register();
    bench.t.clock.advance(8 * 86_400_000);
    expect(await bench.t.core.expirePending()).toBeGreaterThan(0);
    expect(await refusal(expired)).toContain('in time');
    await approveAccount(bench.t.core, bench.face.deps.store, idOf(expired), 'cli:alice');
    expect((await expired.order(['wait.example'])).status).toBe(201);
    const events = await bench.t.store.audit.list({ targetType: 'acme-account', targetId: idOf(expired) });
    expect(events.map((e) => e.action)).toEqual(['acme-account.approved']);
    await expect(approveAccount(bench.t.core, bench.face.deps.store, 'nope', 'admin')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
