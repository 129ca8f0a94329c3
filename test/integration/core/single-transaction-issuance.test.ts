/**
 * The no-approval path signs first and then records the request (issued), the certificate and the
 * audit events in one transaction; a CA failure records a failed request and its events in one
 * transaction. The guarantees stay: recorded before returned, one audit chain under concurrency.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CertificateAuthority } from '../../../ca/types.js';
import { Core } from '../../../src/core/core.js';
import { isCoreError } from '../../../src/core/errors.js';
import { deriveKeys } from '../../../src/core/secrets/keys.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';
import { makeCsr } from '../../helpers/pki.js';

describe.each(dialects)('single-transaction issuance on %s', (dialect) => {
  let t: TestCore;
  beforeEach(async () => {
    t = await testCore(dialect);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.cleanup();
  });

  async function outboxEvents(): Promise<string[]> {
    const rows = (await t.store.knex('outbox_events').select('event').orderBy('created_at')) as {
      event: string;
    }[];
    return rows.map((r) => r.event);
  }

  it('When no approval is needed, Then one transaction records the issued request, its certificate and both events', async () => {
    const profile = await t.profile();
    const transactions = vi.spyOn(t.store, 'appendTransaction');
    const result = await t.core.submit({
      protocol: 'p10',
      profile: profile.name,
      requester: 'alice',
      csr: makeCsr({ dnsNames: ['one.example.com'] }).der,
    });
    expect(result.outcome).toBe('issued');
    if (result.outcome !== 'issued') return;
    expect(transactions).toHaveBeenCalledTimes(1);

    const stored = await t.store.requests.get(result.request.id);
    expect(stored).toEqual(result.request);
    expect(stored?.status).toBe('issued');
    expect(stored?.certificateSerial).toBe(result.certificate.serialNumber);
    expect(await t.store.certificates.get(result.certificate.serialNumber)).toEqual(result.certificate);
    const events = await t.store.audit.list({ targetId: result.request.id });
    expect(events.map((e) => e.action)).toEqual(['request.auto-approved', 'certificate.issued']);
    expect(events[1]?.seq).toBe((events[0]?.seq ?? 0) + 1);
    expect(events[1]?.data).toMatchObject({ serialNumber: result.certificate.serialNumber });
    expect(await outboxEvents()).toEqual(['certificate.issued']);
    expect(await t.core.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('When the CA throws, Then the request is recorded failed with its reason and events, and nothing else is written', async () => {
    const profile = await t.profile();
    const failingCa: CertificateAuthority = {
      issue: () => Promise.reject(new Error('HSM unreachable')),
      revoke: (...args) => t.ca.revoke(...args),
      caChain: () => t.ca.caChain(),
      crl: () => t.ca.crl(),
    };
    const core = new Core({
      store: t.store,
      ca: failingCa,
      clock: t.clock,
      keys: deriveKeys(randomBytes(32)),
    });
    const transactions = vi.spyOn(t.store, 'appendTransaction');
    const err = await core
      .submit({
        protocol: 'p10',
        profile: profile.id,
        requester: 'alice',
        csr: makeCsr({ dnsNames: ['fail.example.com'] }).der,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isCoreError(err, 'ca_failure')).toBe(true);
    expect(transactions).toHaveBeenCalledTimes(1);

    const { items } = await t.store.requests.list();
    expect(items).toHaveLength(1);
    const failed = items[0];
    expect(failed).toMatchObject({
      status: 'failed',
      reason: 'The certificate authority failed to issue',
      certificateSerial: null,
    });
    expect((await t.store.certificates.list()).items).toEqual([]);
    const events = await t.store.audit.list({ targetId: failed?.id });
    expect(events.map((e) => e.action)).toEqual(['request.auto-approved', 'request.failed']);
    expect(events[1]?.data).toEqual({ error: 'HSM unreachable' });
    expect(await outboxEvents()).toEqual([]);
    expect(await t.core.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('When many submits run at once, Then each is issued once and the audit chain stays linear', async () => {
    const open = await t.profile();
    const gated = await t.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const n = 16;
    const results = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        t.core.submit({
          protocol: 'scep',
          profile: i % 4 === 3 ? gated.name : open.name,
          requester: `device-${i}`,
          csr: makeCsr({ dnsNames: [`d${i}.example.com`] }).der,
        }),
      ),
    );
    const issued = results.filter((r) => r.outcome === 'issued');
    expect(issued).toHaveLength(12);
    expect(results.filter((r) => r.outcome === 'pending')).toHaveLength(4);
    const serials = new Set(issued.map((r) => (r.outcome === 'issued' ? r.certificate.serialNumber : '')));
    expect(serials.size).toBe(12);
    expect((await t.store.certificates.list({ limit: 100 })).items).toHaveLength(12);

    const verdict = await t.core.verifyAuditChain();
    expect(verdict).toMatchObject({ ok: true });
    const all = await t.store.audit.list({ limit: 500 });
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.filter((e) => e.action === 'certificate.issued')).toHaveLength(12);
    expect(all.filter((e) => e.action === 'request.submitted')).toHaveLength(4);
  });

  it('When two submits race with one external reference, Then one is recorded and the other conflicts without a trace', async () => {
    const profile = await t.profile();
    const csr = makeCsr({ dnsNames: ['same.example.com'] }).der;
    const outcomes = await Promise.allSettled(
      [1, 2].map(() =>
        t.core.submit({ protocol: 'scep', profile: profile.id, requester: 'dev', csr, externalRef: 'tx-1' }),
      ),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isCoreError((lost[0] as PromiseRejectedResult).reason, 'conflict')).toBe(true);
    const found = await t.store.requests.findByExternalRef('scep', 'tx-1');
    expect(found?.status).toBe('issued');
    expect((await t.store.certificates.list()).items.map((c) => c.serialNumber)).toEqual([
      found?.certificateSerial,
    ]);
    expect((await t.store.audit.list({ limit: 500 })).filter((e) => e.targetType === 'request')).toHaveLength(
      2,
    );
    expect(await t.core.verifyAuditChain()).toMatchObject({ ok: true });
  });

  it('When approval is needed, Then submit records the pending request and issuance waits for the decision', async () => {
    const profile = await t.profile({ approval: { required: true, approvers: 1, pendingTtlHours: 24 } });
    const submitted = await t.core.submit({
      protocol: 'p10',
      profile: profile.id,
      requester: 'alice',
      csr: makeCsr({ dnsNames: ['wait.example.com'] }).der,
    });
    expect(submitted.outcome).toBe('pending');
    if (submitted.outcome !== 'pending') return;
    expect((await t.store.requests.get(submitted.request.id))?.status).toBe('pending');
    const decided = await t.core.decide({
      requestId: submitted.request.id,
      actor: 'bob',
      decision: 'approve',
    });
    expect(decided.outcome).toBe('issued');
    const actions = (await t.store.audit.list({ targetId: submitted.request.id })).map((e) => e.action);
    expect(actions).toEqual(['request.submitted', 'request.approved', 'certificate.issued']);
  });
});
