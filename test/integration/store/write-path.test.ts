/**
 * Store methods of the cheaper enrolment write path, on both dialects: profiles.find (id or name in
 * one query), audit.insertMany (several chained events in one statement), and the error translation
 * of the cached guarded() wrappers and lazily built transaction repositories.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';
import { auditEvent, profile, request } from './fixtures.js';

describe.each(dialects)('store write path (%s)', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;
  let statements: string[];

  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
    statements = [];
    store.knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  });

  afterEach(async () => {
    await cleanup();
  });

  describe('profiles.find', () => {
    it('finds a profile by id or by name in one statement, and null for neither', async () => {
      const p = profile();
      await store.profiles.create(p);
      statements = [];
      expect(await store.profiles.find(p.id)).toEqual(p);
      expect(statements).toHaveLength(1);
      expect(await store.profiles.find(p.name)).toEqual(p);
      expect(await store.profiles.find('missing')).toBeNull();
    });

    it('prefers the id when one profile is named like the id of another, as get-then-getByName did', async () => {
      const first = profile();
      const second = profile({ name: first.id });
      await store.profiles.create(first);
      await store.profiles.create(second);
      expect((await store.profiles.find(first.id))?.id).toBe(first.id);
      expect((await store.profiles.find(second.id))?.id).toBe(second.id);
      expect((await store.profiles.find(first.name))?.id).toBe(first.id);
    });

    it('works inside a transaction', async () => {
      const p = profile();
      await store.profiles.create(p);
      expect(await store.transaction((tx) => tx.profiles.find(p.name))).toEqual(p);
    });
  });

  describe('audit.insertMany', () => {
    it('inserts several events in one statement, in seq order', async () => {
      const events = [1, 2, 3].map((seq) => auditEvent(seq));
      statements = [];
      await store.audit.insertMany(events);
      expect(statements).toHaveLength(1);
      expect(await store.audit.list()).toEqual(events);
      expect(await store.audit.tailForAppend()).toEqual({ seq: 3, hash: 'h3' });
      statements = [];
      await store.audit.insertMany([]);
      expect(statements).toHaveLength(0);
    });

    it('writes none of the events when one seq is taken, and reports conflict', async () => {
      await store.audit.insert(auditEvent(2));
      const err = await store.audit.insertMany([auditEvent(1), auditEvent(2, { hash: 'other' })]).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CoreError);
      expect((err as CoreError).code).toBe('conflict');
      expect((await store.audit.list()).map((e) => e.seq)).toEqual([2]);
    });

    it('keeps an enclosing transaction all-or-nothing', async () => {
      const p = profile();
      await store.profiles.create(p);
      const r = request(p.id);
      await expect(
        store.transaction(async (tx) => {
          await tx.requests.create(r);
          await tx.audit.insertMany([auditEvent(1), auditEvent(2)]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await store.requests.get(r.id)).toBeNull();
      expect(await store.audit.list()).toEqual([]);
    });
  });

  describe('guarded repositories', () => {
    it('translate driver errors on every call, on the store and in a transaction', async () => {
      const p = profile();
      await store.profiles.create(p);
      for (let i = 0; i < 3; i++) {
        await expect(store.profiles.create(profile({ name: p.name }))).rejects.toMatchObject({
          code: 'conflict',
        });
      }
      await expect(
        store.transaction((tx) => tx.requests.create(request('no-such-profile'))),
      ).rejects.toMatchObject({ code: 'invalid_input' });
    });

    it('give each transaction its own repositories, bound to that transaction', async () => {
      const p = profile();
      await store.transaction(async (tx) => {
        expect(tx.profiles).toBe(tx.profiles);
        await tx.profiles.create(p);
        expect(await tx.profiles.find(p.id)).toEqual(p);
      });
      expect(await store.profiles.get(p.id)).toEqual(p);
    });
  });
});
