/**
 * The stored audit chain is verified to its end, however many pages the store needs to hand it
 * over: an edit or a deletion near the end of a chain longer than any page is found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvents, verifyStoredChain } from '../../../src/core/audit/audit-log.js';
import type { NewAuditEvent } from '../../../src/core/audit/event.js';
import { systemClock } from '../../../src/core/ports.js';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';

const length = 3000;

const events = (from: number, count: number): NewAuditEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    actor: 'loader',
    action: 'profile.updated',
    targetType: 'profile',
    targetId: `p-${from + i}`,
    data: { n: from + i },
  }));

describe.each(dialects)('audit verify over a long chain (%s)', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await testStore(dialect));
    // Appended in chunks through the core's own append (one tail read, one insert per chunk).
    for (let from = 0; from < length; from += 250) {
      await store.transaction((tx) => appendAuditEvents(tx, systemClock, events(from, 250)));
    }
  });

  afterAll(async () => {
    await cleanup();
  });

  it(`When the chain holds ${length} events, Then every one is verified`, async () => {
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: length });
  });

  it('When an event near the end is edited, Then verification names it', async () => {
    const seq = length - 10;
    const original = (await store.knex('audit_events').where({ seq }).first()) as { actor: string };
    await store.knex('audit_events').where({ seq }).update({ actor: 'someone-else' });
    try {
      expect(await verifyStoredChain(store)).toMatchObject({ ok: false, brokenAt: seq, events: seq });
    } finally {
      await store.knex('audit_events').where({ seq }).update({ actor: original.actor });
    }
    expect((await verifyStoredChain(store)).ok).toBe(true);
  });

  it('When an event near the end is deleted, Then verification names the event after the gap', async () => {
    const seq = length - 5;
    await store.knex('audit_events').where({ seq }).delete();
    expect(await verifyStoredChain(store)).toMatchObject({
      ok: false,
      brokenAt: seq + 1,
      problem: `seq ${seq + 1} follows ${seq - 1}`,
    });
  });

  it('When the caller asks for pages larger than the store serves, Then the whole chain is still read', async () => {
    // Whatever the store's own page cap, only an empty page ends the walk.
    expect(await verifyStoredChain(store, 10_000)).toMatchObject({ ok: false, brokenAt: length - 4 });
    expect(await verifyStoredChain(store, 7)).toMatchObject({ ok: false, brokenAt: length - 4 });
  });
});
