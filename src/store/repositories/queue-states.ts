import type { QueueStateRepository } from '../../core/ports.js';
import type { QueueState, QueueStateRecord } from '../../core/queue/queue-state.js';
import { toDate } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface QueueStateRow {
  request_id: string;
  state: QueueState;
  changed_by: string;
  updated_at: DbTimestamp;
}

const table = 'request_queue_states';

export class KnexQueueStateRepository implements QueueStateRepository {
  constructor(private readonly db: Db) {}

  async get(requestId: string): Promise<QueueStateRecord | null> {
    const row = (await this.db(table).where({ request_id: requestId }).first()) as QueueStateRow | undefined;
    return row
      ? {
          requestId: row.request_id,
          state: row.state,
          changedBy: row.changed_by,
          updatedAt: toDate(row.updated_at),
        }
      : null;
  }

  async set(record: QueueStateRecord): Promise<void> {
    await this.db(table)
      .insert({
        request_id: record.requestId,
        state: record.state,
        changed_by: record.changedBy,
        updated_at: record.updatedAt,
      })
      .onConflict('request_id')
      .merge(['state', 'changed_by', 'updated_at']);
  }
}
