/**
 * The Store contract, run against both dialects: every repository method, the error translation the
 * core relies on (conflict, invalid_input, not_found), compare-and-set under concurrency, transactions,
 * the local CA's persistence and the migrations.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, isCoreError } from '../../../src/core/errors.js';
import type { CoreErrorCode } from '../../../src/core/errors.js';
import type { Page } from '../../../src/core/ports.js';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { migrateLatest, migrateRollback, migrationStatus } from '../../../src/store/migrate.js';
import { dialects, testStore } from '../../helpers/db.js';
import {
  approval,
  asset,
  at,
  auditEvent,
  certificate,
  code,
  profile,
  request,
  t0,
  token,
  uid,
} from './fixtures.js';

async function expectCoreError(promise: Promise<unknown>, code: CoreErrorCode): Promise<CoreError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected CoreError(${code})`).toBeInstanceOf(CoreError);
  expect((err as CoreError).code).toBe(code);
  return err as CoreError;
}

function must<T>(value: T | null | undefined): T {
  if (value == null) throw new Error('expected a value');
  return value;
}

/** Walks every page of a list with `limit` items per page. */
async function pages<T>(list: (cursor: string | null) => Promise<Page<T>>): Promise<T[][]> {
  const result: T[][] = [];
  let cursor: string | null = null;
  for (;;) {
    const page: Page<T> = await list(cursor);
    result.push(page.items);
    if (page.next === null) return result;
    cursor = page.next;
    if (result.length > 100) throw new Error('pagination does not end');
  }
}

const byCreatedThenKey =
  <T extends { createdAt: Date }>(key: (item: T) => string) =>
  (a: T, b: T): number =>
    a.createdAt.getTime() - b.createdAt.getTime() || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

describe.each(dialects)('store contract (%s)', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
  });

  afterEach(async () => {
    await cleanup();
  });

  it('reports its dialect and answers ping', async () => {
    expect(store.dialect).toBe(dialect);
    await store.ping();
  });

  describe('profiles', () => {
    it('creates, reads by id and name, and updates every field but id and createdAt', async () => {
      const p = profile({ createdAt: at(1), updatedAt: at(2) });
      await store.profiles.create(p);
      expect(await store.profiles.get(p.id)).toEqual(p);
      expect(await store.profiles.getByName(p.name)).toEqual(p);
      expect(await store.profiles.get('missing')).toBeNull();
      expect(await store.profiles.getByName('missing')).toBeNull();

      const changed = {
        ...p,
        name: `${p.name}-renamed`,
        status: 'disabled' as const,
        description: 'changed',
        validityDays: 30,
        keyPolicy: { ...p.keyPolicy, minRsaBits: 3072 },
        domainPolicy: { allowedSuffixes: ['lab.example'], allowWildcards: false, allowIpAddresses: false },
        approval: { required: true, approvers: 2, pendingTtlHours: 12 },
        protocols: ['acme' as const],
        codePolicy: { ttlHours: 1, maxAttempts: 3 },
        createdAt: at(999_999),
        updatedAt: at(5_000),
      };
      await store.profiles.update(changed);
      expect(await store.profiles.get(p.id)).toEqual({ ...changed, createdAt: p.createdAt });
      expect(await store.profiles.getByName(p.name)).toBeNull();
    });

    it('refuses a duplicate id or name, and a rename onto a taken name, as conflict', async () => {
      const p = profile();
      await store.profiles.create(p);
      await expectCoreError(store.profiles.create(profile({ name: p.name })), 'conflict');
      await expectCoreError(store.profiles.create(profile({ id: p.id })), 'conflict');
      const other = profile();
      await store.profiles.create(other);
      await expectCoreError(store.profiles.update({ ...other, name: p.name }), 'conflict');
      await expectCoreError(store.profiles.update(profile()), 'not_found');
    });

    it('lists in creation order, page by page, with a status filter', async () => {
      // Two share a creation instant: the id breaks the tie.
      const created = [
        profile({ createdAt: at(3000) }),
        profile({ createdAt: at(1000), status: 'draft' }),
        profile({ createdAt: at(2000) }),
        profile({ createdAt: at(2000), status: 'draft' }),
        profile({ createdAt: at(4000) }),
        profile({ createdAt: at(500) }),
      ];
      for (const p of created) await store.profiles.create(p);
      const expected = [...created].sort(byCreatedThenKey((p) => p.id));

      const walked = await pages((cursor) => store.profiles.list({ limit: 2, cursor }));
      expect(walked.map((items) => items.length)).toEqual([2, 2, 2]);
      expect(walked.flat()).toEqual(expected);

      const all = await store.profiles.list();
      expect(all.items).toEqual(expected);
      expect(all.next).toBeNull();

      const drafts = await pages((cursor) => store.profiles.list({ status: 'draft', limit: 1, cursor }));
      expect(drafts.flat().map((p) => p.id)).toEqual(
        expected.filter((p) => p.status === 'draft').map((p) => p.id),
      );

      await expectCoreError(store.profiles.list({ cursor: 'not-a-cursor' }), 'invalid_input');
    });
  });

  describe('assets', () => {
    it('creates, updates and reads back', async () => {
      const a = asset({ notifyEmail: 'owner@example.com' });
      await store.assets.create(a);
      expect(await store.assets.get(a.id)).toEqual(a);
      const changed: typeof a = {
        ...a,
        name: 'renamed',
        dnsNames: [],
        owner: null,
        notifyEmail: null,
        attributes: {},
        status: 'inactive',
        updatedAt: at(10),
      };
      await store.assets.update(changed);
      expect(await store.assets.get(a.id)).toEqual(changed);
      expect(await store.assets.get('missing')).toBeNull();
      await expectCoreError(store.assets.create(a), 'conflict');
      await expectCoreError(store.assets.update(asset()), 'not_found');
    });

    it('lists page by page, searching name, DNS names and owner case-insensitively', async () => {
      const created = [
        asset({ name: 'Web-01', createdAt: at(5) }),
        asset({ name: 'web-02', createdAt: at(4), status: 'inactive' }),
        asset({ name: 'db-01', dnsNames: ['db.WEB.example'], createdAt: at(3) }),
        asset({ name: 'mail', owner: 'webmaster@example.com', createdAt: at(2) }),
        asset({ name: '50%_off', owner: null, dnsNames: [], createdAt: at(1) }),
        asset({ name: 'printer', owner: null, dnsNames: [], createdAt: at(0) }),
      ];
      for (const a of created) await store.assets.create(a);
      const expected = [...created].sort(byCreatedThenKey((a) => a.id));

      const walked = await pages((cursor) => store.assets.list({ limit: 2, cursor }));
      expect(walked.map((items) => items.length)).toEqual([2, 2, 2]);
      expect(walked.flat()).toEqual(expected);

      const web = await pages((cursor) => store.assets.list({ search: 'WEB', limit: 2, cursor }));
      expect(web.flat().map((a) => a.name)).toEqual(['mail', 'db-01', 'web-02', 'Web-01']);
      const activeWeb = await store.assets.list({ search: 'web', status: 'active' });
      expect(activeWeb.items.map((a) => a.name)).toEqual(['mail', 'db-01', 'Web-01']);
      // LIKE wildcards in the search text are literal.
      expect((await store.assets.list({ search: '%_' })).items.map((a) => a.name)).toEqual(['50%_off']);
      expect((await store.assets.list({ status: 'inactive' })).items.map((a) => a.name)).toEqual(['web-02']);
    });
  });

  describe('enrolment requests', () => {
    it('creates, reads and finds by external reference', async () => {
      const p = profile();
      const a = asset();
      await store.profiles.create(p);
      await store.assets.create(a);
      const r = request(p.id, {
        assetId: a.id,
        externalRef: 'order-1',
        protocol: 'acme',
        requiredApprovals: 2,
      });
      await store.requests.create(r);
      expect(await store.requests.get(r.id)).toEqual(r);
      expect(await store.requests.findByExternalRef('acme', 'order-1')).toEqual(r);
      expect(await store.requests.findByExternalRef('scep', 'order-1')).toBeNull();
      expect(await store.requests.get('missing')).toBeNull();

      const bare = request(p.id, { expiresAt: null });
      await store.requests.create(bare);
      expect(await store.requests.get(bare.id)).toEqual(bare);
    });

    it('keeps external references unique per protocol only', async () => {
      const p = profile();
      await store.profiles.create(p);
      await store.requests.create(request(p.id, { protocol: 'scep', externalRef: 'txn-1' }));
      await expectCoreError(
        store.requests.create(request(p.id, { protocol: 'scep', externalRef: 'txn-1' })),
        'conflict',
      );
      await store.requests.create(request(p.id, { protocol: 'acme', externalRef: 'txn-1' }));
      // Requests without a reference never collide.
      await store.requests.create(request(p.id, { protocol: 'scep', externalRef: null }));
      await store.requests.create(request(p.id, { protocol: 'scep', externalRef: null }));
    });

    it('refuses an unknown profile or asset as invalid_input', async () => {
      const p = profile();
      await store.profiles.create(p);
      await expectCoreError(store.requests.create(request('no-such-profile')), 'invalid_input');
      await expectCoreError(
        store.requests.create(request(p.id, { assetId: 'no-such-asset' })),
        'invalid_input',
      );
      expect((await store.requests.list()).items).toEqual([]);
    });

    it('transitions only from the expected state (compare-and-set)', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id);
      await store.requests.create(r);

      expect(
        await store.requests.transition(r.id, 'pending', { status: 'approved', updatedAt: at(10) }),
      ).toBe(true);
      expect(
        await store.requests.transition(r.id, 'pending', { status: 'rejected', updatedAt: at(11) }),
      ).toBe(false);
      expect(
        await store.requests.transition(r.id, 'approved', {
          status: 'issued',
          updatedAt: at(12),
          certificateSerial: '0a1b',
        }),
      ).toBe(true);
      expect(await store.requests.get(r.id)).toEqual({
        ...r,
        status: 'issued',
        updatedAt: at(12),
        certificateSerial: '0a1b',
      });
      expect(
        await store.requests.transition('missing', 'pending', { status: 'failed', updatedAt: at(1) }),
      ).toBe(false);

      const other = request(p.id);
      await store.requests.create(other);
      await store.requests.transition(other.id, 'pending', {
        status: 'failed',
        updatedAt: at(3),
        reason: 'CA down',
      });
      expect(await store.requests.get(other.id)).toMatchObject({
        status: 'failed',
        reason: 'CA down',
        updatedAt: at(3),
      });
    });

    it('lets exactly one of ten concurrent transitions win', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id);
      await store.requests.create(r);
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          store.requests.transition(r.id, 'pending', {
            status: i % 2 ? 'approved' : 'rejected',
            updatedAt: at(i),
            reason: `decider ${i}`,
          }),
        ),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const winner = outcomes.indexOf(true);
      expect(await store.requests.get(r.id)).toMatchObject({
        status: winner % 2 ? 'approved' : 'rejected',
        reason: `decider ${winner}`,
      });
    });

    it('getForUpdate holds the row until the transaction ends', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id);
      await store.requests.create(r);

      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const first = store.transaction(async (tx) => {
        expect((await tx.requests.getForUpdate(r.id))?.status).toBe('pending');
        locked();
        await new Promise((resolve) => setTimeout(resolve, 150));
        await tx.requests.transition(r.id, 'pending', { status: 'approved', updatedAt: at(1) });
      });
      await lockTaken;
      // The second reader waits for the first transaction (row lock on PostgreSQL, the single
      // connection on SQLite) and so sees its outcome.
      const second = await store.transaction((tx) => tx.requests.getForUpdate(r.id));
      await first;
      expect(second?.status).toBe('approved');
      expect(await store.transaction((tx) => tx.requests.getForUpdate('missing'))).toBeNull();
    });

    it('lists page by page with filters', async () => {
      const [p1, p2] = [profile(), profile()];
      const a = asset();
      await store.profiles.create(p1);
      await store.profiles.create(p2);
      await store.assets.create(a);
      const created = [
        request(p1.id, { createdAt: at(40) }),
        request(p1.id, { createdAt: at(10), assetId: a.id }),
        request(p2.id, { createdAt: at(30), requester: 'bob' }),
        request(p1.id, { createdAt: at(20), status: 'approved' }),
        request(p2.id, { createdAt: at(20), assetId: a.id, requester: 'bob' }),
        request(p1.id, { createdAt: at(0) }),
      ];
      for (const r of created) await store.requests.create(r);
      const expected = [...created].sort(byCreatedThenKey((r) => r.id));
      const ids = (items: { id: string }[]) => items.map((r) => r.id);

      const walked = await pages((cursor) => store.requests.list({ limit: 2, cursor }));
      expect(walked.map((items) => items.length)).toEqual([2, 2, 2]);
      expect(walked.flat()).toEqual(expected);

      const pendingOfP1 = await pages((cursor) =>
        store.requests.list({ profileId: p1.id, status: 'pending', limit: 2, cursor }),
      );
      expect(ids(pendingOfP1.flat())).toEqual(
        ids(expected.filter((r) => r.profileId === p1.id && r.status === 'pending')),
      );
      expect(ids((await store.requests.list({ assetId: a.id })).items)).toEqual(
        ids(expected.filter((r) => r.assetId === a.id)),
      );
      expect(ids((await store.requests.list({ requester: 'bob', profileId: p2.id })).items)).toEqual(
        ids(expected.filter((r) => r.requester === 'bob')),
      );
    });

    it('lists expired pending requests, oldest expiry first', async () => {
      const p = profile();
      await store.profiles.create(p);
      const now = at(10_000);
      const late = request(p.id, { expiresAt: at(9_000) });
      const early = request(p.id, { expiresAt: at(1_000) });
      const exact = request(p.id, { expiresAt: now });
      const future = request(p.id, { expiresAt: at(20_000) });
      const never = request(p.id, { expiresAt: null });
      const decided = request(p.id, { expiresAt: at(500), status: 'approved' });
      for (const r of [late, early, exact, future, never, decided]) await store.requests.create(r);

      expect((await store.requests.listExpired(now, 10)).map((r) => r.id)).toEqual([early.id, late.id]);
      expect((await store.requests.listExpired(now, 1)).map((r) => r.id)).toEqual([early.id]);
    });
  });

  describe('approvals', () => {
    it('adds decisions, lists them in order and refuses a second one by the same approver', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id, { requiredApprovals: 2 });
      await store.requests.create(r);
      const second = approval(r.id, { approver: 'carol', comment: 'ok', createdAt: at(2000) });
      const first = approval(r.id, { approver: 'dave', decision: 'reject', createdAt: at(1000) });
      await store.approvals.add(second);
      await store.approvals.add(first);
      expect(await store.approvals.listFor(r.id)).toEqual([first, second]);
      expect(await store.approvals.listFor('missing')).toEqual([]);

      await expectCoreError(
        store.approvals.add({ ...first, decision: 'approve', createdAt: at(3000) }),
        'conflict',
      );
      expect(await store.approvals.listFor(r.id)).toEqual([first, second]);
      await expectCoreError(store.approvals.add(approval('no-such-request')), 'invalid_input');
    });

    it('keeps a transaction usable after a duplicate decision', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id);
      await store.requests.create(r);
      await store.approvals.add(approval(r.id, { approver: 'bob' }));

      await store.transaction(async (tx) => {
        await expectCoreError(tx.approvals.add(approval(r.id, { approver: 'bob' })), 'conflict');
        await tx.approvals.add(approval(r.id, { approver: 'carol' }));
        await tx.requests.transition(r.id, 'pending', { status: 'approved', updatedAt: at(5) });
      });
      expect((await store.approvals.listFor(r.id)).map((a) => a.approver)).toEqual(['bob', 'carol']);
      expect((await store.requests.get(r.id))?.status).toBe('approved');
    });
  });

  describe('certificates', () => {
    it('inserts, reads back and refuses a duplicate serial', async () => {
      const p = profile();
      const a = asset();
      await store.profiles.create(p);
      await store.assets.create(a);
      const r = request(p.id);
      await store.requests.create(r);
      const c = certificate({
        requestId: r.id,
        profileId: p.id,
        assetId: a.id,
        ipAddresses: ['192.0.2.1', '2001:db8::1'],
      });
      await store.certificates.insert(c);
      expect(await store.certificates.get(c.serialNumber)).toEqual(c);
      expect(await store.certificates.get('ff')).toBeNull();
      await expectCoreError(store.certificates.insert(c), 'conflict');
      await expectCoreError(
        store.certificates.insert(certificate({ requestId: 'no-such-request' })),
        'invalid_input',
      );

      const imported = certificate();
      await store.certificates.insert(imported);
      expect(await store.certificates.get(imported.serialNumber)).toEqual(imported);
    });

    it('revokes once (compare-and-set)', async () => {
      const c = certificate();
      await store.certificates.insert(c);
      expect(await store.certificates.markRevoked(c.serialNumber, at(77), 1)).toBe(true);
      expect(await store.certificates.markRevoked(c.serialNumber, at(88), 4)).toBe(false);
      expect(await store.certificates.markRevoked('ff', at(88), 4)).toBe(false);
      expect(await store.certificates.get(c.serialNumber)).toEqual({
        ...c,
        status: 'revoked',
        revokedAt: at(77),
        revocationReason: 1,
      });
    });

    it('lists page by page with filters', async () => {
      const created = [
        certificate({ profileId: 'p1', createdAt: at(3) }),
        certificate({ profileId: 'p1', assetId: 'a1', createdAt: at(1) }),
        certificate({ profileId: 'p2', createdAt: at(2) }),
        certificate({ profileId: 'p1', createdAt: at(2) }),
        certificate({ profileId: 'p2', assetId: 'a1', createdAt: at(0) }),
      ];
      for (const c of created) await store.certificates.insert(c);
      await store.certificates.markRevoked(must(created[3]).serialNumber, at(9), 0);
      const expected = (await Promise.all(created.map((c) => store.certificates.get(c.serialNumber))))
        .map((c) => must(c))
        .sort(byCreatedThenKey((c) => c.serialNumber));
      const serials = (items: { serialNumber: string }[]) => items.map((c) => c.serialNumber);

      const walked = await pages((cursor) => store.certificates.list({ limit: 2, cursor }));
      expect(walked.map((items) => items.length)).toEqual([2, 2, 1]);
      expect(walked.flat()).toEqual(expected);
      expect(serials((await store.certificates.list({ profileId: 'p1', status: 'valid' })).items)).toEqual(
        serials(expected.filter((c) => c.profileId === 'p1' && c.status === 'valid')),
      );
      expect(serials((await store.certificates.list({ assetId: 'a1' })).items)).toEqual(
        serials(expected.filter((c) => c.assetId === 'a1')),
      );
      expect(serials((await store.certificates.list({ status: 'revoked' })).items)).toEqual([
        must(created[3]).serialNumber,
      ]);
    });
  });

  describe('enrolment codes', () => {
    it('creates, reads and finds by profile and hash', async () => {
      const [p, q] = [profile(), profile()];
      const a = asset();
      await store.profiles.create(p);
      await store.profiles.create(q);
      await store.assets.create(a);
      const c = code(p.id, {
        assetId: a.id,
        purpose: 'acme-eab',
        secretSealed: 'c2VhbGVk',
        boundSubject: 'CN=device-7',
        singleUse: false,
        expiresAt: null,
      });
      await store.codes.create(c);
      expect(await store.codes.get(c.id)).toEqual(c);
      expect(await store.codes.findByHash(p.id, c.secretHash)).toEqual(c);
      expect(await store.codes.findByHash(q.id, c.secretHash)).toBeNull();
      expect(await store.codes.get('missing')).toBeNull();
      await expectCoreError(store.codes.create(c), 'conflict');
      await expectCoreError(store.codes.create(code('no-such-profile')), 'invalid_input');
    });

    it('counts failures and locks at maxAttempts', async () => {
      const p = profile();
      await store.profiles.create(p);
      const c = code(p.id, { maxAttempts: 2 });
      await store.codes.create(c);
      expect(await store.codes.recordFailure(c.id, at(1))).toEqual({
        ...c,
        failedAttempts: 1,
        updatedAt: at(1),
      });
      expect(await store.codes.recordFailure(c.id, at(2))).toEqual({
        ...c,
        failedAttempts: 2,
        status: 'locked',
        updatedAt: at(2),
      });
      await expectCoreError(store.codes.recordFailure('missing', at(3)), 'not_found');

      // A revoked code counts the attempt but stays revoked.
      const revoked = code(p.id, { maxAttempts: 1, status: 'revoked' });
      await store.codes.create(revoked);
      expect(await store.codes.recordFailure(revoked.id, at(4))).toMatchObject({
        failedAttempts: 1,
        status: 'revoked',
      });
    });

    it('counts every one of ten concurrent failures and locks at maxAttempts', async () => {
      const p = profile();
      await store.profiles.create(p);
      const c = code(p.id, { maxAttempts: 3 });
      await store.codes.create(c);
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.codes.recordFailure(c.id, at(i))),
      );
      // Each call saw its own increment: the counter never lost an update.
      expect(results.map((r) => r.failedAttempts).sort((x, y) => x - y)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      for (const r of results) expect(r.status).toBe(r.failedAttempts >= 3 ? 'locked' : 'active');
      expect(await store.codes.get(c.id)).toMatchObject({ failedAttempts: 10, status: 'locked' });
    });

    it('sets the status only from the expected one (compare-and-set)', async () => {
      const p = profile();
      await store.profiles.create(p);
      const c = code(p.id, { maxAttempts: 1 });
      await store.codes.create(c);
      await store.codes.recordFailure(c.id, at(1));

      expect(await store.codes.setStatus(c.id, 'active', { status: 'used', updatedAt: at(2) })).toBe(false);
      expect(
        await store.codes.setStatus(c.id, 'locked', {
          status: 'active',
          updatedAt: at(3),
          failedAttempts: 0,
          expiresAt: at(99_000),
        }),
      ).toBe(true);
      expect(await store.codes.get(c.id)).toEqual({ ...c, updatedAt: at(3), expiresAt: at(99_000) });
      expect(
        await store.codes.setStatus(c.id, 'active', { status: 'revoked', updatedAt: at(4), expiresAt: null }),
      ).toBe(true);
      expect(await store.codes.get(c.id)).toMatchObject({
        status: 'revoked',
        expiresAt: null,
        failedAttempts: 0,
      });
      expect(await store.codes.setStatus('missing', 'active', { status: 'used', updatedAt: at(5) })).toBe(
        false,
      );
    });

    it('lists page by page with filters', async () => {
      const [p, q] = [profile(), profile()];
      const a = asset();
      await store.profiles.create(p);
      await store.profiles.create(q);
      await store.assets.create(a);
      const created = [
        code(p.id, { createdAt: at(4) }),
        code(q.id, { createdAt: at(3), assetId: a.id }),
        code(p.id, { createdAt: at(2), assetId: a.id }),
        code(p.id, { createdAt: at(2) }),
        code(q.id, { createdAt: at(1) }),
      ];
      for (const c of created) await store.codes.create(c);
      const expected = [...created].sort(byCreatedThenKey((c) => c.id));
      const ids = (items: { id: string }[]) => items.map((c) => c.id);

      const walked = await pages((cursor) => store.codes.list({ limit: 2, cursor }));
      expect(walked.map((items) => items.length)).toEqual([2, 2, 1]);
      expect(walked.flat()).toEqual(expected);
      expect(
        ids((await pages((cursor) => store.codes.list({ profileId: p.id, limit: 2, cursor }))).flat()),
      ).toEqual(ids(expected.filter((c) => c.profileId === p.id)));
      expect(ids((await store.codes.list({ profileId: q.id, assetId: a.id })).items)).toEqual([
        must(created[1]).id,
      ]);
    });
  });

  describe('audit log', () => {
    it('starts empty, appends, and refuses a second event with the same seq', async () => {
      expect(await store.audit.tailForAppend()).toBeNull();
      expect(await store.audit.list()).toEqual([]);
      const events = [1, 2, 3].map((seq) => auditEvent(seq));
      for (const e of events) await store.audit.insert(e);
      expect(await store.audit.tailForAppend()).toEqual({ seq: 3, hash: 'h3' });
      expect(await store.audit.list()).toEqual(events);
      await expectCoreError(store.audit.insert(auditEvent(3, { hash: 'other' })), 'conflict');
    });

    it('lists by seq with every filter', async () => {
      const events = [
        auditEvent(1, { actor: 'alice', targetType: 'profile', targetId: 'p1' }),
        auditEvent(2, { actor: 'bob', targetType: 'request', targetId: 'r1' }),
        auditEvent(3, { actor: 'alice', targetType: 'request', targetId: 'r1' }),
        auditEvent(4, { actor: 'bob', targetType: 'request', targetId: 'r2' }),
        auditEvent(5, { actor: 'alice', targetType: 'request', targetId: 'r1' }),
        auditEvent(6, { actor: 'carol', targetType: 'profile', targetId: 'p1' }),
      ];
      // Inserted out of order: the listing follows seq, not insertion.
      for (const e of [...events].reverse()) await store.audit.insert(e);
      const seqs = (list: { seq: number }[]) => list.map((e) => e.seq);

      expect(await store.audit.list()).toEqual(events);
      expect(seqs(await store.audit.list({ afterSeq: 2, limit: 2 }))).toEqual([3, 4]);
      expect(seqs(await store.audit.list({ afterSeq: 6 }))).toEqual([]);
      expect(seqs(await store.audit.list({ targetType: 'request', targetId: 'r1' }))).toEqual([2, 3, 5]);
      expect(seqs(await store.audit.list({ targetType: 'profile' }))).toEqual([1, 6]);
      expect(seqs(await store.audit.list({ actor: 'alice', afterSeq: 1 }))).toEqual([3, 5]);
      // from and to are inclusive, to the millisecond.
      expect(seqs(await store.audit.list({ from: must(events[1]).at, to: must(events[3]).at }))).toEqual([
        2, 3, 4,
      ]);
      expect(seqs(await store.audit.list({ from: new Date(must(events[1]).at.getTime() + 1) }))).toEqual([
        3, 4, 5, 6,
      ]);
    });

    it('chains concurrent appends: each transaction sees the previous tail', async () => {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store.transaction(async (tx) => {
            const tail = await tx.audit.tailForAppend();
            const seq = (tail?.seq ?? 0) + 1;
            // Give a racing appender every chance to read the same tail.
            await new Promise((resolve) => setTimeout(resolve, 5));
            await tx.audit.insert(auditEvent(seq, { prevHash: tail?.hash ?? 'genesis', hash: `chain-${i}` }));
          }),
        ),
      );
      const events = await store.audit.list();
      expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      events.forEach((e, i) => expect(e.prevHash).toBe(i === 0 ? 'genesis' : must(events[i - 1]).hash));
    });
  });

  describe('API tokens', () => {
    it('creates, finds by hash, touches and counts', async () => {
      expect(await store.tokens.count()).toBe(0);
      const t = token({ expiresAt: at(86_400_000) });
      const u = token({ role: 'auditor', subject: 'svc-backup' });
      await store.tokens.create(t);
      await store.tokens.create(u);
      expect(await store.tokens.count()).toBe(2);
      expect(await store.tokens.findByHash(t.tokenHash)).toEqual(t);
      expect(await store.tokens.findByHash('0'.repeat(64))).toBeNull();

      await store.tokens.touch(u.id, at(4242));
      expect(await store.tokens.findByHash(u.tokenHash)).toEqual({ ...u, lastUsedAt: at(4242) });
      await store.tokens.touch('missing', at(1));

      await expectCoreError(store.tokens.create(token({ tokenHash: t.tokenHash })), 'conflict');
      expect(await store.tokens.count()).toBe(2);
    });
  });

  describe('transactions', () => {
    it('commits and returns the result', async () => {
      const p = profile();
      const result = await store.transaction(async (tx) => {
        await tx.profiles.create(p);
        return (await tx.profiles.get(p.id))?.name;
      });
      expect(result).toBe(p.name);
      expect(await store.profiles.get(p.id)).toEqual(p);
    });

    it('rolls every write back when the work throws, and rethrows as is', async () => {
      const p = profile();
      const failure = new Error('boom');
      const thrown = await store
        .transaction(async (tx) => {
          await tx.profiles.create(p);
          await tx.assets.create(asset());
          await tx.requests.create(request(p.id));
          await tx.audit.insert(auditEvent(1));
          throw failure;
        })
        .catch((e: unknown) => e);
      expect(thrown).toBe(failure);
      expect(await store.profiles.get(p.id)).toBeNull();
      expect((await store.assets.list()).items).toEqual([]);
      expect((await store.requests.list()).items).toEqual([]);
      expect(await store.audit.tailForAppend()).toBeNull();

      const conflict = await store
        .transaction(async (tx) => {
          await tx.profiles.create(p);
          await tx.profiles.create(profile({ name: p.name }));
        })
        .catch((e: unknown) => e);
      expect(isCoreError(conflict, 'conflict')).toBe(true);
      expect(await store.profiles.get(p.id)).toBeNull();
    });
  });

  describe('local CA persistence', () => {
    const material = {
      rootCertPem: 'root cert',
      rootKeyPem: 'root key',
      issuingCertPem: 'issuing cert',
      issuingKeyPem: 'issuing key',
      createdAt: at(1),
    };

    it('saves the first material only', async () => {
      expect(await store.caStore.loadMaterial()).toBeNull();
      expect(await store.caStore.saveMaterial(material)).toBe(true);
      expect(
        await store.caStore.saveMaterial({ ...material, rootCertPem: 'another', createdAt: at(2) }),
      ).toBe(false);
      expect(await store.caStore.loadMaterial()).toEqual({ ...material, nextIssuingCertPem: null });
    });

    it('keeps a rollover certificate until it is withdrawn or activated, and activates only the one given', async () => {
      await store.caStore.saveMaterial(material);
      await store.caStore.saveNextIssuingCertificate('next cert');
      expect((await store.caStore.loadMaterial())?.nextIssuingCertPem).toBe('next cert');
      await store.caStore.saveNextIssuingCertificate(null);
      expect((await store.caStore.loadMaterial())?.nextIssuingCertPem).toBeNull();
      expect(await store.caStore.activateNextIssuingCertificate('next cert')).toBe(false);
      await store.caStore.saveNextIssuingCertificate('newer cert');
      expect(await store.caStore.activateNextIssuingCertificate('next cert')).toBe(false);
      expect(await store.caStore.activateNextIssuingCertificate('newer cert')).toBe(true);
      expect(await store.caStore.loadMaterial()).toEqual({
        ...material,
        issuingCertPem: 'newer cert',
        nextIssuingCertPem: null,
      });
      expect(await store.caStore.activateNextIssuingCertificate('newer cert')).toBe(false);
    });

    it('records revocations idempotently', async () => {
      expect(await store.caStore.listRevocations()).toEqual([]);
      const first = { serialNumber: '0b', revokedAt: at(20), reason: 1 as const };
      const second = { serialNumber: '0a', revokedAt: at(10), reason: 4 as const };
      await store.caStore.addRevocation(first);
      await store.caStore.addRevocation(second);
      await store.caStore.addRevocation({ ...first, revokedAt: at(30), reason: 5 });
      expect(await store.caStore.listRevocations()).toEqual([second, first]);
    });
  });

  it('round-trips every timestamp to the millisecond', async () => {
    const instants = [
      new Date(Date.UTC(2026, 0, 1, 0, 0, 0, 1)),
      new Date(Date.UTC(2049, 11, 31, 23, 59, 59, 999)),
      t0,
    ];
    for (const instant of instants) {
      const p = profile({ createdAt: instant, updatedAt: new Date(instant.getTime() + 1) });
      await store.profiles.create(p);
      const r = request(p.id, {
        createdAt: instant,
        updatedAt: instant,
        expiresAt: new Date(instant.getTime() + 7),
      });
      await store.requests.create(r);
      const c = certificate({
        notBefore: instant,
        notAfter: new Date(instant.getTime() + 999),
        createdAt: instant,
      });
      await store.certificates.insert(c);
      await store.certificates.markRevoked(c.serialNumber, new Date(instant.getTime() + 3), 0);
      const stored = await store.certificates.get(c.serialNumber);
      expect((await store.profiles.get(p.id))?.updatedAt.getTime()).toBe(instant.getTime() + 1);
      expect((await store.requests.get(r.id))?.expiresAt?.getTime()).toBe(instant.getTime() + 7);
      expect(stored?.notBefore.getTime()).toBe(instant.getTime());
      expect(stored?.notAfter.getTime()).toBe(instant.getTime() + 999);
      expect(stored?.revokedAt?.getTime()).toBe(instant.getTime() + 3);
    }
  });

  it('reports a closed store as store_unavailable', async () => {
    const { store: closed, cleanup: closedCleanup } = await testStore(dialect);
    await closed.close();
    await expectCoreError(closed.ping(), 'store_unavailable');
    await expectCoreError(closed.profiles.get(uid('x')), 'store_unavailable');
    await closedCleanup().catch(() => undefined);
  });

  it('rolls every migration back and applies them again', async () => {
    const status = await migrationStatus(store.knex);
    expect(status.pending).toEqual([]);
    expect(status.completed.length).toBeGreaterThanOrEqual(3);
    await store.profiles.create(profile());

    const rolledBack = await migrateRollback(store.knex, true);
    expect(rolledBack.migrations).toHaveLength(status.completed.length);
    expect(await migrationStatus(store.knex)).toEqual({ completed: [], pending: status.completed });
    for (const table of ['profiles', 'enrollment_requests', 'audit_events', 'api_tokens', 'ca_material']) {
      expect(await store.knex.schema.hasTable(table)).toBe(false);
    }

    const applied = await migrateLatest(store.knex);
    expect(applied.migrations).toEqual(status.completed);
    expect(applied.batch).toBeGreaterThan(0);
    expect(await migrateLatest(store.knex)).toEqual({ batch: 0, migrations: [] });
    expect((await store.profiles.list()).items).toEqual([]);
    const p = profile();
    await store.profiles.create(p);
    expect(await store.profiles.get(p.id)).toEqual(p);
  });
});
