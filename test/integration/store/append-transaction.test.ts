/**
 * Store.appendTransaction, the write path of every immediate issuance: what it writes, that it is
 * all-or-nothing, and, on SQLite (where it runs as one exec'd script with the audit tail it last
 * knew), that a tail moved on by another writer of the same file re-runs the work and keeps one chain.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAuditEvents, verifyStoredChain } from '../../../src/core/audit/audit-log.js';
import type { NewAuditEvent } from '../../../src/core/audit/event.js';
import { CoreError } from '../../../src/core/errors.js';
import type { AppendRepositories } from '../../../src/core/ports.js';
import { systemClock } from '../../../src/core/ports.js';
import { openStore, type KnexStore } from '../../../src/store/knex-store.js';
import { dialects, testStore } from '../../helpers/db.js';
import { certificate, profile, request } from './fixtures.js';

const issued = (requestId: string, serialNumber: string): NewAuditEvent[] => [
  { actor: 'alice', action: 'request.auto-approved', targetType: 'request', targetId: requestId },
  {
    actor: 'system',
    action: 'certificate.issued',
    targetType: 'request',
    targetId: requestId,
    data: { serialNumber },
  },
];

/** One issuance's rows, as issueImmediately writes them. */
async function issue(tx: AppendRepositories, profileId: string, subject = 'CN=www.lab.example') {
  const r = request(profileId, { status: 'issued', requiredApprovals: 0, expiresAt: null, subject });
  const c = certificate({ requestId: r.id, profileId, subject });
  await tx.requests.create({ ...r, certificateSerial: c.serialNumber });
  await tx.certificates.insert(c);
  await appendAuditEvents(tx, systemClock, issued(r.id, c.serialNumber));
  return { request: { ...r, certificateSerial: c.serialNumber }, certificate: c };
}

const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe.each(dialects)('Store.appendTransaction (%s)', (dialect) => {
  let store: KnexStore;
  let cleanup: () => Promise<void>;
  let profileId: string;

  beforeEach(async () => {
    ({ store, cleanup } = await testStore(dialect));
    const p = profile();
    await store.profiles.create(p);
    profileId = p.id;
  });

  afterEach(async () => {
    await cleanup();
  });

  it('writes the request, the certificate, chained audit events and their notification', async () => {
    const first = await store.appendTransaction((tx) => issue(tx, profileId));
    const second = await store.appendTransaction((tx) => issue(tx, profileId));
    for (const unit of [first, second]) {
      expect(await store.requests.get(unit.request.id)).toEqual(unit.request);
      expect(await store.certificates.get(unit.certificate.serialNumber)).toEqual(unit.certificate);
    }
    const events = await store.audit.list();
    expect(events.map((e) => [e.seq, e.action])).toEqual([
      [1, 'request.auto-approved'],
      [2, 'certificate.issued'],
      [3, 'request.auto-approved'],
      [4, 'certificate.issued'],
    ]);
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: 4 });
    const outbox = await store.outbox.unexpanded(10);
    expect(outbox.map((e) => [e.event, e.targetId])).toEqual([
      ['certificate.issued', first.request.id],
      ['certificate.issued', second.request.id],
    ]);
  });

  it('writes text exactly as given: quotes, NUL, line breaks and characters beyond the BMP', async () => {
    // NUL on SQLite only: PostgreSQL text cannot hold it (subjects never do: formatDn escapes it).
    const nul = dialect === 'sqlite' ? '\0' : '';
    const subject = `CN=O'Brien'); DROP TABLE certificates; --${nul}"x"\n\u{1F512}`;
    const unit = await store.appendTransaction((tx) => issue(tx, profileId, subject));
    expect((await store.requests.get(unit.request.id))?.subject).toBe(subject);
    expect((await store.certificates.get(unit.certificate.serialNumber))?.subject).toBe(subject);
  });

  it('writes nothing of a unit one of whose rows conflicts, reports conflict, and goes on working', async () => {
    const first = await store.appendTransaction((tx) => issue(tx, profileId));
    const err = await errorOf(
      store.appendTransaction(async (tx) => {
        const c = certificate({ profileId });
        await tx.certificates.insert(c);
        await appendAuditEvents(tx, systemClock, issued(first.request.id, c.serialNumber));
        // The id of a request that exists: the whole unit goes.
        await tx.requests.create(first.request);
        return c;
      }),
    );
    expect(err).toBeInstanceOf(CoreError);
    expect((err as CoreError).code).toBe('conflict');
    expect((await store.audit.list()).map((e) => e.seq)).toEqual([1, 2]);
    expect((await store.search.certificates({})).items).toHaveLength(1);
    await store.appendTransaction((tx) => issue(tx, profileId));
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: 4 });
  });

  it('follows appends made by ordinary transactions', async () => {
    await store.appendTransaction((tx) => issue(tx, profileId));
    await store.transaction((tx) => appendAuditEvents(tx, systemClock, issued('other', 'ff')));
    await store.appendTransaction((tx) => issue(tx, profileId));
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: 6 });
  });

  it('refuses a deduplicated notification, which only an ordinary transaction can report', async () => {
    const err = await errorOf(
      store.appendTransaction((tx) =>
        tx.outbox.enqueue({
          id: 'evt-1',
          event: 'certificate.expiring',
          targetType: 'certificate',
          targetId: 'ff',
          actor: 'system',
          data: {},
          dedupeKey: 'expiring:ff:30',
          expanded: false,
          createdAt: new Date(),
        }),
      ),
    );
    if (dialect === 'sqlite') expect(err).toBeInstanceOf(Error);
    else expect(err).toBeNull();
  });
});

describe('Store.appendTransaction on one SQLite file shared by two stores (two workers)', () => {
  let store: KnexStore;
  let other: KnexStore;
  let cleanup: () => Promise<void>;
  let profileId: string;

  beforeEach(async () => {
    let dataDir: string;
    ({ store, cleanup, dataDir } = await testStore('sqlite'));
    other = await openStore({ dataDir });
    const p = profile();
    await store.profiles.create(p);
    profileId = p.id;
  });

  afterEach(async () => {
    await other.close();
    await cleanup();
  });

  it('re-runs the work when the other store has moved the chain on, and keeps one chain', async () => {
    await store.appendTransaction((tx) => issue(tx, profileId));
    await other.appendTransaction((tx) => issue(tx, profileId));
    let runs = 0;
    const unit = await store.appendTransaction((tx) => {
      runs++;
      return issue(tx, profileId);
    });
    expect(runs).toBe(2);
    expect(await store.requests.get(unit.request.id)).toEqual(unit.request);
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: 6 });
  });

  it('loses nothing when both stores append concurrently', async () => {
    const units = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? other : store).appendTransaction((tx) => issue(tx, profileId)),
      ),
    );
    expect(await verifyStoredChain(store)).toMatchObject({ ok: true, events: 80 });
    for (const unit of units) expect(await store.requests.get(unit.request.id)).toEqual(unit.request);
  });
});
