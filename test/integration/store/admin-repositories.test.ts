/**
 * The admin surface's repositories on both dialects: sorted keyset pages in both directions (ties
 * included), the search filters, and the compare-and-set steps that keep racing callers apart (one
 * P12 download, one claim of an outbox delivery, one fan-out of an event, one expiry warning).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from '../../../src/core/ports.js';
import type { KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';
import { asset, at, certificate, profile, request, uid } from './fixtures.js';

async function walk<T>(fetch: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page = await fetch(cursor);
    out.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return out;
}

describe.each(dialects)('admin repositories on %s', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
  });
  afterEach(() => cleanup());

  it('When assets are paged by name in both orders with ties, Then every asset comes once in order', async () => {
    const names = ['delta', 'alpha', 'charlie', 'alpha', 'bravo', 'charlie', 'echo'];
    for (const [i, name] of names.entries())
      await store.assets.create(asset({ id: uid('a'), name, createdAt: at(i) }));
    for (const order of ['asc', 'desc'] as const) {
      const walked = await walk((cursor) => store.search.assets({ sort: 'name', order, limit: 2, cursor }));
      const expected = [...names].sort();
      expect(walked.map((a) => a.name)).toEqual(order === 'asc' ? expected : expected.reverse());
      expect(new Set(walked.map((a) => a.id)).size).toBe(names.length);
    }
    expect((await store.search.assets({ q: 'ALPH' })).items).toHaveLength(2);
  });

  it('When requests are searched by status list, name and "waiting for", Then the filters combine', async () => {
    const p = profile();
    await store.profiles.create(p);
    const mine = request(p.id, { requester: 'ann', dnsNames: ['a.example.com'], createdAt: at(1) });
    const other = request(p.id, { requester: 'ben', dnsNames: ['zeta-host.example.org'], createdAt: at(2) });
    const done = request(p.id, { requester: 'ben', status: 'issued', createdAt: at(3) });
    for (const r of [mine, other, done]) await store.requests.create(r);
    await store.approvals.add({
      requestId: other.id,
      approver: 'cat',
      decision: 'approve',
      comment: null,
      createdAt: at(4),
    });
    const waiting = (who: string) =>
      store.search.requests({ waitingFor: who }).then((pg) => pg.items.map((r) => r.id));
    expect(await waiting('ann')).toEqual([other.id]);
    expect(await waiting('cat')).toEqual([mine.id]);
    expect(
      (await store.search.requests({ status: ['pending', 'issued'], order: 'desc' })).items.map((r) => r.id),
    ).toEqual([done.id, other.id, mine.id]);
    expect((await store.search.requests({ q: 'ZETA-host' })).items.map((r) => r.id)).toEqual([other.id]);
  });

  it('When certificates are searched by serial prefix and expiry and sorted by notAfter, Then the order and filters hold', async () => {
    const certs = [
      certificate({ serialNumber: 'aa01', notAfter: at(30_000), createdAt: at(1) }),
      certificate({ serialNumber: 'aa02', notAfter: at(10_000), createdAt: at(2) }),
      certificate({ serialNumber: 'bb03', notAfter: at(20_000), createdAt: at(3) }),
    ];
    for (const c of certs) await store.certificates.insert(c);
    const byExpiry = await walk((cursor) =>
      store.search.certificates({ sort: 'notAfter', limit: 1, cursor }),
    );
    expect(byExpiry.map((c) => c.serialNumber)).toEqual(['aa02', 'bb03', 'aa01']);
    expect((await store.search.certificates({ serial: 'AA' })).items).toHaveLength(2);
    expect(
      (await store.search.certificates({ expiresBefore: at(25_000) })).items
        .map((c) => c.serialNumber)
        .sort(),
    ).toEqual(['aa02', 'bb03']);
  });

  it('When two downloads race for one sealed P12 key, Then exactly one gets it and it is erased', async () => {
    const p = profile();
    await store.profiles.create(p);
    const r = request(p.id, { protocol: 'p12' });
    await store.requests.create(r);
    await store.p12Deliveries.create({
      requestId: r.id,
      keySealed: 'v1.sealed',
      encryption: 'aes-256',
      keyExpiresAt: at(60_000),
      downloadedAt: null,
      installedAt: null,
      installedBy: null,
      createdAt: at(0),
    });
    const taken = await Promise.all([
      store.p12Deliveries.takeKey(r.id, at(1)),
      store.p12Deliveries.takeKey(r.id, at(1)),
    ]);
    expect(taken.filter((t) => t === 'v1.sealed')).toHaveLength(1);
    expect(await store.p12Deliveries.get(r.id)).toMatchObject({ keySealed: null, downloadedAt: at(1) });
    expect(await store.p12Deliveries.markInstalled(r.id, at(2), 'ann')).toBe(true);
    expect(await store.p12Deliveries.markInstalled(r.id, at(3), 'ann')).toBe(false);
  });

  it('When workers race on the outbox, Then an event fans out once, a delivery is claimed once, and a dedupe key is used once', async () => {
    const event = {
      id: uid('e'),
      event: 'certificate.expiring',
      targetType: 'certificate',
      targetId: 's1',
      actor: 'system',
      data: { a: 1 },
      dedupeKey: 'expiring:s1',
      expanded: false,
      createdAt: at(0),
    };
    expect(await store.outbox.enqueue(event)).toBe(true);
    expect(await store.outbox.enqueue({ ...event, id: uid('e') })).toBe(false);
    expect((await store.outbox.unexpanded(10)).map((e) => e.id)).toEqual([event.id]);
    const expanded = await Promise.all([
      store.outbox.markExpanded(event.id),
      store.outbox.markExpanded(event.id),
    ]);
    expect(expanded.filter(Boolean)).toHaveLength(1);
    const second = { ...event, id: uid('e'), dedupeKey: null };
    await store.outbox.enqueue(second);
    expect(await store.outbox.markAllExpanded([event.id, second.id])).toBe(1);
    expect(await store.outbox.markAllExpanded([event.id, second.id])).toBe(0);
    expect(await store.outbox.unexpanded(10)).toEqual([]);
    const delivery = {
      id: uid('d'),
      eventId: event.id,
      channel: 'email' as const,
      recipient: 'x@example.com',
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: at(0),
      lastError: null,
      sentAt: null,
      createdAt: at(0),
    };
    await store.outbox.addDelivery(delivery);
    expect((await store.outbox.due(at(1), 10)).map((d) => d.id)).toEqual([delivery.id]);
    const claims = await Promise.all([
      store.outbox.claim(delivery.id, 0, at(60_000)),
      store.outbox.claim(delivery.id, 0, at(60_000)),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.outbox.due(at(1), 10)).toEqual([]);
    expect(
      await store.outbox.recordAttempt(delivery.id, 1, {
        status: 'sent',
        nextAttemptAt: at(2),
        lastError: null,
        sentAt: at(2),
      }),
    ).toBe(true);
    expect((await store.outbox.listDeliveries({ status: 'sent' })).items[0]).toMatchObject({
      attempts: 1,
      sentAt: at(2),
    });
  });
});
