/**
 * The ACME rate-limit counters on both dialects: one statement per event, a window that restarts
 * once it has ended, another limit's window read by the same statement, ended windows purged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcmeStore } from '../../../protocols/acme/store.js';
import { createAcmeStore } from '../../../src/store/acme/acme-store.js';
import { dialects, testStore, type TestStore } from '../../helpers/db.js';

const HOUR = 3_600_000;
const t0 = new Date('2026-03-01T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const staleBefore = (now: Date) => new Date(now.getTime() - HOUR);

describe.each(dialects)('ACME rate counts (%s)', (dialect) => {
  let t: TestStore;
  let acme: AcmeStore;
  const statements: string[] = [];
  beforeAll(async () => {
    t = await testStore(dialect);
    acme = createAcmeStore(t.store.knex);
    t.store.knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  });
  afterAll(() => t.cleanup());

  const increment = (key: string, now: Date, peek?: string) =>
    acme.rateCounts.increment('newOrder', key, now, staleBefore(now), peek);

  it('When events arrive within the hour, Then they count in the window of the first; after it, a new window starts', async () => {
    statements.length = 0;
    expect((await increment('k1', at(0))).window).toEqual({ start: at(0), count: 1 });
    expect((await increment('k1', at(10_000))).window).toEqual({ start: at(0), count: 2 });
    expect((await increment('k1', at(HOUR - 1))).window).toEqual({ start: at(0), count: 3 });
    expect(statements).toHaveLength(3);
    expect((await increment('k1', at(HOUR))).window).toEqual({ start: at(HOUR), count: 1 });
    expect((await increment('k2', at(HOUR))).window).toEqual({ start: at(HOUR), count: 1 });
  });

  it('When another limit is peeked, Then the same statement returns its live window, and nothing for an ended one', async () => {
    const now = at(5 * HOUR);
    await acme.rateCounts.increment('failedValidation', 'k3', now, staleBefore(now));
    await acme.rateCounts.increment('failedValidation', 'k3', now, staleBefore(now));
    statements.length = 0;
    expect(await increment('k3', now, 'failedValidation')).toEqual({
      window: { start: now, count: 1 },
      peeked: { start: now, count: 2 },
    });
    expect(statements).toHaveLength(1);
    const later = at(6 * HOUR);
    expect((await increment('k3', later, 'failedValidation')).peeked).toBeUndefined();
    expect(await increment('k4', later, 'failedValidation')).toEqual({ window: { start: later, count: 1 } });
  });

  it('When windows have ended, Then get answers null and purgeEnded deletes them', async () => {
    const now = at(20 * HOUR);
    await increment('k5', now);
    expect(await acme.rateCounts.get('newOrder', 'k5', staleBefore(now))).toEqual({ start: now, count: 1 });
    expect(await acme.rateCounts.get('newOrder', 'k1', staleBefore(now))).toBeNull();
    expect(await acme.rateCounts.purgeEnded(staleBefore(now))).toBeGreaterThanOrEqual(3);
    expect(await acme.rateCounts.get('newOrder', 'k5', staleBefore(now))).toEqual({ start: now, count: 1 });
  });
});
