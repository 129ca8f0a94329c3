/**
 * Approval that outlives the client's patience: submissions with the same approval key (an ACME
 * account and its identifier set) while one is pending are one queue entry with several attempts,
 * and a decision answers the key's next submissions for the profile's decision window.
 */
import { X509Certificate } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApprovalKeyParts } from '../../../src/core/approval/approval-key.js';
import type { SubmitResult } from '../../../src/core/enrollment/submit.js';
import type { Profile } from '../../../src/core/profiles/profile.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { makeCsr, type TestKeyPair } from '../../helpers/pki.js';

const hour = 3_600_000;

describe.each(dialects)('approval window on %s', (dialect) => {
  let t: TestCore;
  let profile: Profile;
  let orders = 0;

  /** One finalize of an ACME client: a new order (external ref) and a new key each time. */
  const attempt = async (
    names = ['gated.example.com'],
    account = 'acct-1',
    keyParts: Partial<ApprovalKeyParts> = {},
  ): Promise<SubmitResult & { ref: string; keys: TestKeyPair }> => {
    const csr = makeCsr({ subject: `CN=${names[0]}`, dnsNames: names });
    const ref = `order-${++orders}`;
    const result = await t.core.submit({
      protocol: 'acme',
      profile: profile.id,
      requester: `https://acme.test/acct/${account}`,
      csr: csr.der,
      externalRef: ref,
      dnsNames: names,
      approvalKey: { account, identifiers: names.map((n) => `dns:${n}`), ...keyParts },
    });
    return { ...result, ref, keys: csr };
  };
  const pendingQueue = async () =>
    (await t.store.search.requests({ status: ['pending'], profileId: profile.id })).items;
  const requestOf = (r: SubmitResult) => {
    if (r.outcome === 'dry-run' || !r.request) throw new Error(`no request in ${r.outcome}`);
    return r.request;
  };

  beforeEach(async () => {
    t = await testCore(dialect);
    profile = await t.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 72 } });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When the same account orders the same identifiers again while pending, Then one queue entry shows 2 attempts and holds the newest CSR', async () => {
    const first = await attempt(['Gated.example.com', 'www.gated.example.com']);
    t.clock.advance(90_000);
    // Same set, other order and case: the same question to the approvers.
    const second = await attempt(['www.gated.example.com', 'gated.example.com']);
    expect(first.outcome).toBe('pending');
    expect(second).toMatchObject({ outcome: 'pending', supersededRef: first.ref });
    const queue = await pendingQueue();
    expect(queue).toHaveLength(1);
    expect(queue[0]).toMatchObject({
      id: requestOf(first).id,
      attempts: 2,
      lastAttemptAt: t.clock.now(),
      externalRef: second.ref,
      csrSha256: requestOf(second).csrSha256,
    });
    expect(await t.store.requests.findByExternalRef('acme', second.ref)).toMatchObject({
      id: requestOf(first).id,
    });
    const events = await t.store.audit.list({ targetType: 'request', targetId: requestOf(first).id });
    expect(events.map((e) => e.action)).toEqual(['request.submitted', 'request.attempt-joined']);
    expect(events[1]?.data).toMatchObject({
      attempt: 2,
      externalRef: second.ref,
      replacedExternalRef: first.ref,
    });
  });

  it('When the joined request is approved, Then its certificate is for the newest attempt’s key', async () => {
    const first = await attempt();
    const second = await attempt();
    const decided = await t.core.decide({
      requestId: requestOf(first).id,
      actor: 'ann',
      decision: 'approve',
    });
    if (decided.outcome !== 'issued') throw new Error(decided.outcome);
    const issuedKey = new X509Certificate(decided.certificate.pem).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    expect(issuedKey.equals(second.keys.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('When an approved account orders the same identifiers again within the window, Then it is issued at once, audited as covered by that approval', async () => {
    const first = await attempt();
    await t.core.decide({ requestId: requestOf(first).id, actor: 'ann', decision: 'approve' });
    t.clock.advance(23 * hour);
    const next = await attempt();
    expect(next.outcome).toBe('issued');
    const request = requestOf(next);
    expect(request).toMatchObject({
      status: 'issued',
      coveredBy: requestOf(first).id,
      externalRef: next.ref,
    });
    expect(await pendingQueue()).toHaveLength(0);
    const events = await t.store.audit.list({ targetType: 'request', targetId: request.id });
    expect(events.map((e) => [e.action, e.data.coveredBy, e.data.approvers])).toEqual([
      ['request.covered-by-approval', requestOf(first).id, ['ann']],
      ['certificate.issued', undefined, undefined],
    ]);
  });

  it('When a rejected account orders the same identifiers again within the window, Then it is refused at once with the rejection’s reason', async () => {
    const first = await attempt();
    await t.core.decide({
      requestId: requestOf(first).id,
      actor: 'ann',
      decision: 'reject',
      comment: 'Not a host we run',
    });
    t.clock.advance(hour);
    const next = await attempt();
    expect(next.outcome).toBe('rejected');
    if (next.outcome !== 'rejected') return;
    expect(next.error.code).toBe('forbidden');
    expect(next.error.message).toContain('Not a host we run');
    expect(await t.store.requests.get(requestOf(first).id)).toMatchObject({
      status: 'rejected',
      attempts: 2,
      lastAttemptAt: t.clock.now(),
      externalRef: first.ref,
    });
    expect((await t.store.search.requests({ profileId: profile.id })).items).toHaveLength(1);
    const events = await t.store.audit.list({ targetType: 'request', targetId: requestOf(first).id });
    expect(events.at(-1)).toMatchObject({
      action: 'request.attempt-refused',
      data: { externalRef: next.ref },
    });
  });

  it('When the decision window has passed, Then the next order waits for a new approval', async () => {
    const first = await attempt();
    await t.core.decide({ requestId: requestOf(first).id, actor: 'ann', decision: 'approve' });
    t.clock.advance(24 * hour + 1);
    const next = await attempt();
    expect(next.outcome).toBe('pending');
    expect(requestOf(next).id).not.toBe(requestOf(first).id);
    expect(await pendingQueue()).toHaveLength(1);
  });

  it('When the profile’s decision window is 0, Then every order waits for its own decision', async () => {
    profile = await t.profile({
      approval: { required: true, approvers: 1, pendingTtlHours: 72, decisionWindowHours: 0 },
    });
    const first = await attempt();
    await t.core.decide({ requestId: requestOf(first).id, actor: 'ann', decision: 'reject', comment: 'no' });
    expect((await attempt()).outcome).toBe('pending');
  });

  it('When another identifier set or another account orders, Then each gets its own queue entry', async () => {
    await attempt(['gated.example.com']);
    await attempt(['gated.example.com', 'www.gated.example.com']);
    await attempt(['gated.example.com'], 'acct-2');
    const queue = await pendingQueue();
    expect(queue).toHaveLength(3);
    expect(queue.map((r) => r.attempts)).toEqual([1, 1, 1]);
  });

  it('When two attempts race to open the queue entry, Then there is one entry with both attempts', async () => {
    const results = await Promise.all([attempt(), attempt(), attempt()]);
    expect(results.map((r) => r.outcome)).toEqual(['pending', 'pending', 'pending']);
    const queue = await pendingQueue();
    expect(queue).toHaveLength(1);
    expect(queue[0]?.attempts).toBe(3);
  });

  it('When the pending entry is past its expiry but not yet swept, Then the next order opens a new entry and the old one expires', async () => {
    const first = await attempt();
    t.clock.advance(72 * hour + 1);
    const next = await attempt();
    expect(next.outcome).toBe('pending');
    expect(requestOf(next).id).not.toBe(requestOf(first).id);
    expect((await t.store.requests.get(requestOf(first).id))?.status).toBe('expired');
  });
});
