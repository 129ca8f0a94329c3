/**
 * The store's part of the approval window, on both dialects: one pending request per approval key,
 * attempts counted by compare-and-set, and the latest decision of a key found by its time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';
import { at, profile, request } from './fixtures.js';

describe.each(dialects)('approval keys in the request repository (%s)', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;
  let profileId: string;
  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
    const p = profile();
    await store.profiles.create(p);
    profileId = p.id;
  });
  afterEach(() => cleanup());

  it('When a second pending request takes a key that is pending, Then it is a conflict; once decided, the key is free again', async () => {
    const first = request(profileId, { approvalKey: 'k1' });
    await store.requests.create(first);
    await expect(store.requests.create(request(profileId, { approvalKey: 'k1' }))).rejects.toMatchObject({
      code: 'conflict',
    });
    // The same through an append transaction (one SQLite script).
    await expect(
      store.appendTransaction((tx) => tx.requests.create(request(profileId, { approvalKey: 'k1' }))),
    ).rejects.toMatchObject({ code: 'conflict' });
    await store.requests.create(request(profileId, { approvalKey: 'k2' }));
    await store.requests.create(request(profileId, { approvalKey: null }));
    await store.requests.create(request(profileId, { approvalKey: null }));
    expect(
      await store.requests.transition(first.id, 'pending', {
        status: 'rejected',
        updatedAt: at(5),
        decidedAt: at(5),
      }),
    ).toBe(true);
    await store.requests.create(request(profileId, { approvalKey: 'k1' }));
    expect((await store.requests.findPendingByApprovalKey('k1'))?.id).not.toBe(first.id);
  });

  it('When attempts are added, Then the count grows, the newest CSR and reference replace the old, and a status that moved on refuses', async () => {
    const r = request(profileId, { approvalKey: 'k', externalRef: 'order-1' });
    await store.requests.create(r);
    const replace = { subject: 'CN=new', csrPem: 'PEM2', csrSha256: 'cd'.repeat(32), externalRef: 'order-2' };
    expect(await store.requests.addAttempt(r.id, 'pending', { at: at(60_000), replace })).toBe(true);
    expect(await store.requests.addAttempt(r.id, 'pending', { at: at(120_000) })).toBe(true);
    expect(await store.requests.addAttempt(r.id, 'approved', { at: at(180_000) })).toBe(false);
    expect(await store.requests.get(r.id)).toMatchObject({
      ...replace,
      attempts: 3,
      lastAttemptAt: at(120_000),
      updatedAt: at(60_000),
    });
    expect((await store.requests.findByExternalRef('p10', 'order-2'))?.id).toBe(r.id);
  });

  it('When a key was decided several times, Then the latest decision since a time is found, and none before it', async () => {
    const old = request(profileId, { approvalKey: 'k', status: 'issued', decidedAt: at(1000) });
    const recent = request(profileId, { approvalKey: 'k', status: 'rejected', decidedAt: at(5000) });
    const covered = request(profileId, { approvalKey: 'k', status: 'issued', coveredBy: old.id });
    for (const r of [old, recent, covered]) await store.requests.create(r);
    expect((await store.requests.latestDecision('k', at(0)))?.id).toBe(recent.id);
    expect(await store.requests.latestDecision('k', at(5001))).toBeNull();
    expect(await store.requests.latestDecision('other', at(0))).toBeNull();
    expect(await store.requests.get(covered.id)).toMatchObject({ coveredBy: old.id, decidedAt: null });
  });
});
