import type {
  DeliveryChannel,
  DeliveryStatus,
  OutboxDelivery,
  OutboxEvent,
} from '../../core/notifications/outbox.js';
import type { ListOptions, OutboxRepository, Page } from '../../core/ports.js';
import { sortedPage } from './keyset.js';
import {
  deleteBatch,
  fromJson,
  insertOrConflict,
  pageSize,
  toDate,
  toDateOrNull,
  toJson,
  toNumber,
} from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface EventRow {
  id: string;
  event: string;
  target_type: string;
  target_id: string;
  actor: string;
  data: string;
  dedupe_key: string | null;
  expanded: boolean | number;
  created_at: DbTimestamp;
}

interface DeliveryRow extends Record<string, unknown> {
  id: string;
  event_id: string;
  channel: DeliveryChannel;
  recipient: string;
  status: DeliveryStatus;
  attempts: number | string;
  next_attempt_at: DbTimestamp;
  last_error: string | null;
  sent_at: DbTimestamp | null;
  created_at: DbTimestamp;
}

export function toEventRow(e: OutboxEvent): EventRow {
  return {
    id: e.id,
    event: e.event,
    target_type: e.targetType,
    target_id: e.targetId,
    actor: e.actor,
    data: toJson(e.data),
    dedupe_key: e.dedupeKey,
    expanded: e.expanded,
    created_at: e.createdAt,
  };
}

function eventOf(row: EventRow): OutboxEvent {
  return {
    id: row.id,
    event: row.event,
    targetType: row.target_type,
    targetId: row.target_id,
    actor: row.actor,
    data: fromJson<Record<string, unknown>>(row.data),
    dedupeKey: row.dedupe_key,
    expanded: Boolean(row.expanded),
    createdAt: toDate(row.created_at),
  };
}

function deliveryOf(row: DeliveryRow): OutboxDelivery {
  return {
    id: row.id,
    eventId: row.event_id,
    channel: row.channel,
    recipient: row.recipient,
    status: row.status,
    attempts: toNumber(row.attempts),
    nextAttemptAt: toDate(row.next_attempt_at),
    lastError: row.last_error,
    sentAt: toDateOrNull(row.sent_at),
    createdAt: toDate(row.created_at),
  };
}

export const events = 'outbox_events';
const deliveries = 'outbox_deliveries';

export class KnexOutboxRepository implements OutboxRepository {
  constructor(private readonly db: Db) {}

  async enqueue(e: OutboxEvent): Promise<boolean> {
    // ON CONFLICT DO NOTHING keeps an enclosing PostgreSQL transaction usable on a duplicate key.
    const inserted = (await this.db(events)
      .insert(toEventRow(e))
      .onConflict()
      .ignore()
      .returning('id')) as unknown[];
    return inserted.length === 1;
  }

  async unexpanded(limit: number): Promise<OutboxEvent[]> {
    const rows = (await this.db(events)
      .where({ expanded: false })
      .orderBy(['created_at', 'id'])
      .limit(pageSize(limit))) as EventRow[];
    return rows.map(eventOf);
  }

  async getEvent(id: string): Promise<OutboxEvent | null> {
    const row = (await this.db(events).where({ id }).first()) as EventRow | undefined;
    return row ? eventOf(row) : null;
  }

  async markExpanded(id: string): Promise<boolean> {
    return (await this.markAllExpanded([id])) === 1;
  }

  async markAllExpanded(ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.db(events).whereIn('id', ids).where({ expanded: false }).update({ expanded: true });
  }

  async addDelivery(d: OutboxDelivery): Promise<void> {
    await insertOrConflict(
      this.db,
      deliveries,
      {
        id: d.id,
        event_id: d.eventId,
        channel: d.channel,
        recipient: d.recipient,
        status: d.status,
        attempts: d.attempts,
        next_attempt_at: d.nextAttemptAt,
        last_error: d.lastError,
        sent_at: d.sentAt,
        created_at: d.createdAt,
      },
      'id',
      'A delivery with this id',
    );
  }

  async due(now: Date, limit: number): Promise<OutboxDelivery[]> {
    const rows = (await this.db(deliveries)
      .where({ status: 'pending' })
      .where('next_attempt_at', '<=', now)
      .orderBy(['next_attempt_at', 'id'])
      .limit(pageSize(limit))) as DeliveryRow[];
    return rows.map(deliveryOf);
  }

  async claim(id: string, fromAttempts: number, until: Date): Promise<boolean> {
    const changed = await this.db(deliveries)
      .where({ id, status: 'pending', attempts: fromAttempts })
      .update({ next_attempt_at: until, attempts: fromAttempts + 1 });
    return changed === 1;
  }

  async recordAttempt(
    id: string,
    fromAttempts: number,
    patch: { status: DeliveryStatus; nextAttemptAt: Date; lastError: string | null; sentAt: Date | null },
  ): Promise<boolean> {
    const changed = await this.db(deliveries).where({ id, attempts: fromAttempts }).update({
      status: patch.status,
      next_attempt_at: patch.nextAttemptAt,
      last_error: patch.lastError,
      sent_at: patch.sentAt,
    });
    return changed === 1;
  }

  purgeFinishedDeliveries(before: Date, limit: number): Promise<number> {
    return deleteBatch(
      this.db,
      deliveries,
      (q) => q.whereIn('status', ['sent', 'dead']).andWhere('created_at', '<', before),
      limit,
    );
  }

  purgeDeliveredEvents(before: Date, limit: number): Promise<number> {
    return deleteBatch(
      this.db,
      events,
      (q) =>
        q
          .where({ expanded: true })
          .whereNull('dedupe_key')
          .andWhere('created_at', '<', before)
          .whereNotExists((d) =>
            d
              .select(this.db.raw('1'))
              .from(deliveries)
              .whereRaw('event_id = ??', [`${events}.id`]),
          ),
      limit,
    );
  }

  listDeliveries(
    filter: { status?: DeliveryStatus; eventId?: string } & ListOptions = {},
  ): Promise<Page<OutboxDelivery>> {
    const query = this.db(deliveries).select('*');
    if (filter.status) query.where({ status: filter.status });
    if (filter.eventId) query.where({ event_id: filter.eventId });
    return sortedPage<DeliveryRow, OutboxDelivery>(
      query,
      { column: 'created_at', kind: 'time' },
      'id',
      { ...filter, order: 'desc' },
      deliveryOf,
    );
  }
}
