import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Profile } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { makeCsr } from '../../helpers/pki.js';

describe.each(dialects)('approval on %s', (dialect) => {
  let t: TestCore;
  let profile: Profile;
  const pending = async (requester = 'requester') => {
    const result = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester,
      csr: makeCsr({ dnsNames: ['gated.example.com'] }).der,
    });
    if (result.outcome !== 'pending') throw new Error(`expected pending, got ${result.outcome}`);
    return result.request;
  };
  beforeEach(async () => {
    t = await testCore(dialect);
    profile = await t.profile({ approval: { required: true, approvers: 2, pendingTtlHours: 2 } });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When two distinct approvers approve, Then the request is issued only after the second', async () => {
    const request = await pending();
    expect(request.requiredApprovals).toBe(2);
    const first = await t.core.decide({ requestId: request.id, actor: 'ann', decision: 'approve' });
    expect(first).toMatchObject({ outcome: 'recorded', approvals: 1, approvalsNeeded: 2 });
    expect((await t.store.requests.get(request.id))?.status).toBe('pending');
    const second = await t.core.decide({ requestId: request.id, actor: 'ben', decision: 'approve' });
    expect(second.outcome).toBe('issued');
    expect((await t.store.requests.get(request.id))?.status).toBe('issued');
  });

  it('When the requester tries to approve their own request, Then it is refused as self_approval and nothing is recorded', async () => {
    const request = await pending('mallory');
    await expect(
      t.core.decide({ requestId: request.id, actor: 'mallory', decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'self_approval' });
    await expect(
      t.core.decide({ requestId: request.id, actor: 'mallory', decision: 'reject', comment: 'no' }),
    ).rejects.toMatchObject({ code: 'self_approval' });
    expect(await t.store.approvals.listFor(request.id)).toEqual([]);
  });

  it('When one approver approves twice, Then the second counts for nothing', async () => {
    const request = await pending();
    await t.core.decide({ requestId: request.id, actor: 'ann', decision: 'approve' });
    await expect(
      t.core.decide({ requestId: request.id, actor: 'ann', decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'already_decided' });
    expect((await t.store.requests.get(request.id))?.status).toBe('pending');
  });

  it('When an approver rejects, Then a reason is required, the request is rejected with it, and no later decision applies', async () => {
    const request = await pending();
    await expect(
      t.core.decide({ requestId: request.id, actor: 'ann', decision: 'reject', comment: '  ' }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    const result = await t.core.decide({
      requestId: request.id,
      actor: 'ann',
      decision: 'reject',
      comment: 'Not our host',
    });
    expect(result.outcome).toBe('rejected');
    expect(await t.store.requests.get(request.id)).toMatchObject({
      status: 'rejected',
      reason: 'Not our host',
    });
    await expect(
      t.core.decide({ requestId: request.id, actor: 'ben', decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('When approvers race on the last approval, Then exactly one issuance happens', async () => {
    profile = await t.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 2 } });
    const request = await pending();
    const results = await Promise.allSettled(
      ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'].map((actor) =>
        t.core.decide({ requestId: request.id, actor, decision: 'approve' }),
      ),
    );
    const issued = results.filter((r) => r.status === 'fulfilled' && r.value.outcome === 'issued');
    expect(issued).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect((r.reason as { code: string }).code).toMatch(/^(invalid_state|conflict)$/);
    }
    const certificates = (await t.store.certificates.list({ profileId: profile.id })).items;
    expect(certificates.filter((c) => c.requestId === request.id)).toHaveLength(1);
  });

  it('When a pending request outlives its profile TTL, Then the sweeper expires it and it can no longer be approved', async () => {
    const request = await pending();
    expect(await t.core.expirePending()).toBe(0);
    t.clock.advance(2 * 3_600_000 + 1);
    expect(await t.core.expirePending()).toBe(1);
    expect((await t.store.requests.get(request.id))?.status).toBe('expired');
    await expect(
      t.core.decide({ requestId: request.id, actor: 'ann', decision: 'approve' }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });

  it('Each step leaves an audit event with its actor', async () => {
    const request = await pending();
    await t.core.decide({ requestId: request.id, actor: 'ann', decision: 'approve' });
    await t.core.decide({ requestId: request.id, actor: 'ben', decision: 'approve' });
    const events = await t.store.audit.list({ targetType: 'request', targetId: request.id });
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ['request.submitted', 'requester'],
      ['request.approval-recorded', 'ann'],
      ['request.approved', 'ben'],
      ['certificate.issued', 'system'],
    ]);
  });
});

describe.each(dialects)('crash recovery on %s', (dialect) => {
  let t: TestCore;
  beforeEach(async () => {
    t = await testCore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When a process died between approval and issuance, Then the sweeper issues the request once', async () => {
    const profile = await t.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 2 } });
    const submitted = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'r',
      csr: makeCsr({ dnsNames: ['crash.example.com'] }).der,
    });
    if (submitted.outcome !== 'pending') throw new Error('expected pending');
    // What a crash after decide()'s commit leaves behind: approved, no certificate.
    await t.store.requests.transition(submitted.request.id, 'pending', {
      status: 'approved',
      updatedAt: t.clock.now(),
    });
    expect(await t.core.resumeApproved()).toBe(0);
    t.clock.advance(5 * 60_000 + 1);
    const [a, b] = await Promise.all([t.core.resumeApproved(), t.core.resumeApproved()]);
    expect(a + b).toBe(1);
    const request = await t.store.requests.get(submitted.request.id);
    expect(request?.status).toBe('issued');
    const certificates = (await t.store.certificates.list({ profileId: profile.id })).items;
    expect(certificates.map((c) => c.serialNumber)).toEqual([request?.certificateSerial]);
  });

  it('When the asset of a request is unknown or inactive, Then submit refuses it', async () => {
    const profile = await t.profile();
    const csr = makeCsr({ dnsNames: ['a.example.com'] }).der;
    await expect(
      t.core.submit({ protocol: 'p10', profile: profile.id, assetId: 'nope', requester: 'r', csr }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const now = t.clock.now();
    await t.store.assets.create({
      id: 'a1',
      name: 'old-router',
      dnsNames: [],
      owner: null,
      notifyEmail: null,
      attributes: {},
      status: 'inactive',
      createdAt: now,
      updatedAt: now,
    });
    await expect(
      t.core.submit({ protocol: 'p10', profile: profile.id, assetId: 'a1', requester: 'r', csr }),
    ).rejects.toMatchObject({ code: 'invalid_state' });
  });
});
