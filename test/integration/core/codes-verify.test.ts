/** EnrollmentCodes.verify: a proof made with a code's secret as a key (ACME EAB MAC). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';

describe.each(dialects)('EnrollmentCodes.verify (%s)', (dialect) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await testCore(dialect);
  });
  afterAll(() => t.cleanup());

  it('When the check passes, Then a single-use code is used; a reusable one stays active', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 1, maxAttempts: 3 } });
    const single = await t.core.codes.create({
      profile,
      purpose: 'acme-eab',
      actor: 'admin',
      showable: true,
    });
    let seen = '';
    await t.core.codes.verify(single.code.id, (secret) => ((seen = secret), true), 'acct');
    expect(seen).toBe(single.secret);
    expect((await t.store.codes.get(single.code.id))?.status).toBe('used');
    const reusable = await t.core.codes.create({
      profile,
      purpose: 'acme-eab',
      actor: 'admin',
      showable: true,
      singleUse: false,
    });
    await t.core.codes.verify(reusable.code.id, () => true, 'acct');
    await t.core.codes.verify(reusable.code.id, () => true, 'acct');
    expect((await t.store.codes.get(reusable.code.id))?.status).toBe('active');
  });

  it('When the check fails, Then code_invalid counts toward the lockout, and at maxAttempts the code is locked and audited', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 1, maxAttempts: 2 } });
    const { code } = await t.core.codes.create({
      profile,
      purpose: 'acme-eab',
      actor: 'admin',
      showable: true,
    });
    await expect(t.core.codes.verify(code.id, () => false, 'acct')).rejects.toMatchObject({
      code: 'code_invalid',
    });
    await expect(t.core.codes.verify(code.id, () => false, 'acct')).rejects.toMatchObject({
      code: 'code_locked',
    });
    await expect(t.core.codes.verify(code.id, () => true, 'acct')).rejects.toMatchObject({
      code: 'code_locked',
    });
    const events = await t.store.audit.list({ targetType: 'code', targetId: code.id });
    expect(events.map((e) => e.action)).toEqual(['code.created', 'code.failed-attempt', 'code.locked']);
  });

  it('When the code is not showable, expired or unknown, Then it cannot act as a key', async () => {
    const profile = await t.profile({ codePolicy: { ttlHours: 1, maxAttempts: 2 } });
    const hidden = await t.core.codes.create({ profile, purpose: 'acme-eab', actor: 'admin' });
    await expect(t.core.codes.verify(hidden.code.id, () => true, 'acct')).rejects.toMatchObject({
      code: 'code_invalid',
    });
    const later = await t.core.codes.create({ profile, purpose: 'acme-eab', actor: 'admin', showable: true });
    t.clock.advance(2 * 3600_000);
    await expect(t.core.codes.verify(later.code.id, () => true, 'acct')).rejects.toMatchObject({
      code: 'code_expired',
    });
    await expect(t.core.codes.verify('nope', () => true, 'acct')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
