import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain } from '../../../src/core/audit/chain.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';

describe.each(dialects)('enrolment codes on %s', (dialect) => {
  let t: TestCore;
  beforeEach(async () => {
    t = await testCore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When a wrong secret is tried maxAttempts times, Then the code locks and even the right secret is refused until unlocked', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 24, maxAttempts: 3 } });
    const { code, secret } = await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
      singleUse: false,
    });
    await expect(t.core.codes.redeem(code.id, 'wrong-1', 'device')).rejects.toMatchObject({
      code: 'code_invalid',
      details: { failedAttempts: 1 },
    });
    await expect(t.core.codes.redeem(code.id, 'wrong-2', 'device')).rejects.toMatchObject({
      code: 'code_invalid',
    });
    await expect(t.core.codes.redeem(code.id, 'wrong-3', 'device')).rejects.toMatchObject({
      code: 'code_locked',
    });
    await expect(t.core.codes.redeem(code.id, secret, 'device')).rejects.toMatchObject({
      code: 'code_locked',
    });
    await expect(t.core.codes.unlock(code.id, 'admin', '')).rejects.toMatchObject({ code: 'invalid_input' });
    await t.core.codes.unlock(code.id, 'admin', 'device owner called');
    expect((await t.core.codes.redeem(code.id, secret, 'device')).status).toBe('active');
    const actions = (await t.store.audit.list({ targetId: code.id })).map((e) => e.action);
    expect(actions).toEqual([
      'code.created',
      'code.failed-attempt',
      'code.failed-attempt',
      'code.locked',
      'code.unlocked',
    ]);
  });

  it('When a code is stored, Then neither the store nor its sealed copy holds the secret in clear', async () => {
    const profile = await t.profile();
    const { code, secret } = await t.core.codes.create({
      profile,
      purpose: 'acme-eab',
      actor: 'admin',
      showable: true,
    });
    const row = JSON.stringify(await t.store.knex('enrollment_codes').where({ id: code.id }).first());
    expect(row).not.toContain(secret);
    expect(await t.core.codes.reveal(code.id)).toBe(secret);
    const once = await t.core.codes.create({ profile, purpose: 'scep-challenge', actor: 'admin' });
    await expect(t.core.codes.reveal(once.code.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('When a single-use code is redeemed, Then a second use is refused; an expired code is refused until reset', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 1, maxAttempts: 5 } });
    const { code, secret } = await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
    });
    expect((await t.core.codes.redeemBySecret(profile.id, secret, 'device')).id).toBe(code.id);
    await expect(t.core.codes.redeemBySecret(profile.id, secret, 'device')).rejects.toMatchObject({
      code: 'code_revoked',
    });
    await expect(t.core.codes.redeemBySecret(profile.id, 'never-issued', 'device')).rejects.toMatchObject({
      code: 'code_invalid',
    });

    const other = await t.core.codes.create({ profile, purpose: 'scep-challenge', actor: 'admin' });
    t.clock.advance(3_600_001);
    await expect(t.core.codes.redeem(other.code.id, other.secret, 'device')).rejects.toMatchObject({
      code: 'code_expired',
    });
    await t.core.codes.reset(other.code.id, 'admin');
    expect((await t.core.codes.redeem(other.code.id, other.secret, 'device')).status).toBe('used');
  });

  it('When ten wrong secrets arrive at once, Then the code still locks at its limit', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 1, maxAttempts: 3 } });
    const { code } = await t.core.codes.create({
      profile,
      purpose: 'scep-challenge',
      actor: 'admin',
      singleUse: false,
    });
    await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => t.core.codes.redeem(code.id, `bad-${i}`, 'device')),
    );
    expect((await t.store.codes.get(code.id))?.status).toBe('locked');
  });
});

describe.each(dialects)('audit chain on %s', (dialect) => {
  let t: TestCore;
  beforeEach(async () => {
    t = await testCore(dialect);
  });
  afterEach(async () => {
    await t.cleanup();
  });

  it('When events are appended concurrently, Then they form one intact chain', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => t.profile({}, `p-${i}`)));
    const verdict = await t.core.verifyAuditChain();
    expect(verdict).toMatchObject({ ok: true, events: 8 });
  });

  it('When a stored event is edited, Then verification points at that event', async () => {
    for (let i = 0; i < 5; i++) await t.profile({}, `p-${i}`);
    expect((await t.core.verifyAuditChain()).ok).toBe(true);
    await t.store.knex('audit_events').where({ seq: 3 }).update({ actor: 'someone-else' });
    expect(await t.core.verifyAuditChain()).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('When an event is deleted or the chain is re-hashed from the middle, Then verification notices', async () => {
    for (let i = 0; i < 5; i++) await t.profile({}, `p-${i}`);
    const events = await t.store.audit.list();
    expect(verifyChain(events.filter((e) => e.seq !== 2))).toMatchObject({ ok: false, brokenAt: 3 });
    const forged = events.map((e) => (e.seq === 4 ? { ...e, data: { name: 'forged' } } : e));
    expect(verifyChain(forged)).toMatchObject({
      ok: false,
      brokenAt: 4,
      problem: expect.stringContaining('hash'),
    });
  });
});
