/**
 * The ACME nonce store on both dialects: redemption is one insert (a primary-key conflict is a
 * replay), returns the account's current row when asked, and expired entries are purged in batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account, AcmeStore } from '../../../protocols/acme/store.js';
import { createAcmeStore } from '../../../src/store/acme/acme-store.js';
import { dialects, testStore, type TestStore } from '../../helpers/db.js';

describe.each(dialects)('ACME nonce store (%s)', (dialect) => {
  let t: TestStore;
  let acme: AcmeStore;
  let profileId: string;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await testStore(dialect);
    acme = createAcmeStore(t.store.knex);
    profileId = `p-nonce-${dialect}`;
    t.store.knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  afterAll(() => t.cleanup());

  const account = (id: string, at = new Date('2026-01-01T00:00:00Z')): Account => ({
    id,
    profileId,
    status: 'valid',
    jwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
    thumbprint: `tp-${id}`,
    contact: ['mailto:a@example.test'],
    termsOfServiceAgreed: true,
    eabKeyId: null,
    eabAssetId: null,
    approved: true,
    createdAt: at,
    updatedAt: at,
  });

  it('When a nonce is redeemed twice, Then only the first succeeds, each in one statement', async () => {
    const expires = new Date(Date.now() + 60_000);
    statements.length = 0;
    expect(await acme.nonces.redeem('n-1', expires)).toEqual({ redeemed: true });
    expect(await acme.nonces.redeem('n-1', expires)).toEqual({ redeemed: false });
    expect(statements).toHaveLength(2);
  });

  it('When redeemed for an account, Then the same statement returns the account as stored now', async () => {
    const a = account('acct-1');
    await acme.accounts.create(a);
    const expires = new Date(Date.now() + 60_000);
    statements.length = 0;
    const first = await acme.nonces.redeem('n-2', expires, a.id);
    expect(statements).toHaveLength(1);
    expect(first.redeemed).toBe(true);
    expect(first.account).toEqual(a);
    await acme.accounts.update({ ...a, status: 'deactivated', thumbprint: 'tp-new' });
    const second = await acme.nonces.redeem('n-3', expires, a.id);
    expect(second.account?.status).toBe('deactivated');
    expect(second.account?.thumbprint).toBe('tp-new');
    expect(await acme.nonces.redeem('n-3', expires, a.id)).toEqual({ redeemed: false });
    expect(await acme.nonces.redeem('n-4', expires, 'no-such-account')).toEqual({
      redeemed: true,
      account: null,
    });
  });

  it('When entries expire, Then purgeExpired deletes them in one statement and keeps the live ones', async () => {
    const now = new Date();
    await acme.nonces.redeem('old-1', new Date(now.getTime() - 1000));
    await acme.nonces.redeem('old-2', new Date(now.getTime() - 2000));
    await acme.nonces.redeem('live', new Date(now.getTime() + 60_000));
    expect(await acme.nonces.purgeExpired(now)).toBeGreaterThanOrEqual(2);
    expect(await acme.nonces.redeem('live', new Date(now.getTime() + 60_000))).toEqual({ redeemed: false });
    expect(await acme.nonces.redeem('old-1', new Date(now.getTime() + 60_000))).toEqual({ redeemed: true });
  });
});
