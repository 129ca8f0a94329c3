/**
 * Retention of the notification outbox on both dialects: sent and dead deliveries, and the events
 * they leave behind, are deleted after retention.outboxDays; pending deliveries, their events, an
 * expiry warning's dedupe record, certificates and the audit log stay.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '../../../src/core/notifications/outbox.js';
import { purgeOutbox } from '../../../src/core/notifications/purge-outbox.js';
import { dialects } from '../../helpers/db.js';
import { testCore, type TestCore } from '../../helpers/core.js';

const DAY_MS = 86_400_000;

describe.each(dialects)('outbox retention (%s)', (dialect) => {
  let t: TestCore;
  beforeAll(async () => {
    t = await testCore(dialect);
  });
  afterAll(() => t.cleanup());

  /** An event fanned out to one delivery per status given. */
  async function event(statuses: DeliveryStatus[], dedupeKey: string | null = null): Promise<string> {
    const id = randomUUID();
    const at = t.clock.now();
    await t.store.outbox.enqueue({
      id,
      event: 'certificate.issued',
      targetType: 'certificate',
      targetId: id,
      actor: 'system',
      data: {},
      dedupeKey,
      expanded: false,
      createdAt: at,
    });
    await t.store.outbox.markExpanded(id);
    for (const status of statuses) {
      await t.store.outbox.addDelivery({
        id: randomUUID(),
        eventId: id,
        channel: 'webhook',
        recipient: 'https://hooks.example.test/',
        status,
        attempts: status === 'pending' ? 0 : 1,
        nextAttemptAt: at,
        lastError: status === 'dead' ? 'refused' : null,
        sentAt: status === 'sent' ? at : null,
        createdAt: at,
      });
    }
    return id;
  }

  it('When deliveries are past retention, Then sent and dead ones and their events go, pending ones and dedupe records stay', async () => {
    const delivered = await event(['sent', 'dead']);
    const waiting = await event(['sent', 'pending']);
    const warned = await event(['sent'], `expiring:${randomUUID()}`);
    const unexpanded = randomUUID();
    await t.store.outbox.enqueue({
      id: unexpanded,
      event: 'request.submitted',
      targetType: 'request',
      targetId: unexpanded,
      actor: 'system',
      data: {},
      dedupeKey: null,
      expanded: false,
      createdAt: t.clock.now(),
    });
    const audit = (await t.store.audit.list({ limit: 1000 })).length;

    t.clock.advance(29 * DAY_MS);
    const recent = await event(['sent']);
    expect(await purgeOutbox(t.core, 30)).toEqual({ deliveries: 0, events: 0 });

    t.clock.advance(2 * DAY_MS);
    expect(await purgeOutbox(t.core, 30, { batchSize: 1 })).toEqual({ deliveries: 4, events: 1 });
    expect(await t.store.outbox.getEvent(delivered)).toBeNull();
    expect(await t.store.outbox.getEvent(waiting)).not.toBeNull();
    expect(await t.store.outbox.getEvent(warned)).not.toBeNull();
    expect(await t.store.outbox.getEvent(unexpanded)).not.toBeNull();
    expect(await t.store.outbox.getEvent(recent)).not.toBeNull();
    const left = await t.store.outbox.listDeliveries({ limit: 100 });
    expect(left.items.map((d) => [d.eventId, d.status]).sort()).toEqual(
      [
        [waiting, 'pending'],
        [recent, 'sent'],
      ].sort(),
    );
    expect((await t.store.audit.list({ limit: 1000 })).length).toBe(audit);
  });
});
