import type { P12Delivery, P12Encryption } from '../../core/p12/delivery.js';
import type { P12DeliveryRepository } from '../../core/ports.js';
import { insertOrConflict, toDate, toDateOrNull } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

interface P12Row {
  request_id: string;
  key_sealed: string | null;
  encryption: P12Encryption;
  key_expires_at: DbTimestamp;
  downloaded_at: DbTimestamp | null;
  installed_at: DbTimestamp | null;
  installed_by: string | null;
  created_at: DbTimestamp;
}

function toDomain(row: P12Row): P12Delivery {
  return {
    requestId: row.request_id,
    keySealed: row.key_sealed,
    encryption: row.encryption,
    keyExpiresAt: toDate(row.key_expires_at),
    downloadedAt: toDateOrNull(row.downloaded_at),
    installedAt: toDateOrNull(row.installed_at),
    installedBy: row.installed_by,
    createdAt: toDate(row.created_at),
  };
}

const table = 'p12_deliveries';

export class KnexP12DeliveryRepository implements P12DeliveryRepository {
  constructor(private readonly db: Db) {}

  async create(d: P12Delivery): Promise<void> {
    const row: P12Row = {
      request_id: d.requestId,
      key_sealed: d.keySealed,
      encryption: d.encryption,
      key_expires_at: d.keyExpiresAt,
      downloaded_at: d.downloadedAt,
      installed_at: d.installedAt,
      installed_by: d.installedBy,
      created_at: d.createdAt,
    };
    await insertOrConflict(this.db, table, row, 'request_id', 'A P12 delivery for this request');
  }

  async get(requestId: string): Promise<P12Delivery | null> {
    const row = (await this.db(table).where({ request_id: requestId }).first()) as P12Row | undefined;
    return row ? toDomain(row) : null;
  }

  async takeKey(requestId: string, at: Date): Promise<string | null> {
    const row = (await this.db(table).where({ request_id: requestId }).first()) as P12Row | undefined;
    if (!row?.key_sealed) return null;
    // The sealed value itself is the compare-and-set token: only one reader erases it.
    const changed = await this.db(table)
      .where({ request_id: requestId, key_sealed: row.key_sealed })
      .update({ key_sealed: null, downloaded_at: at });
    return changed === 1 ? row.key_sealed : null;
  }

  async markInstalled(requestId: string, at: Date, by: string): Promise<boolean> {
    const changed = await this.db(table)
      .where({ request_id: requestId })
      .whereNull('installed_at')
      .update({ installed_at: at, installed_by: by });
    return changed === 1;
  }

  async purgeExpired(now: Date): Promise<string[]> {
    const rows = (await this.db(table)
      .select('request_id')
      .whereNotNull('key_sealed')
      .where('key_expires_at', '<', now)) as Pick<P12Row, 'request_id'>[];
    const ids = rows.map((r) => r.request_id);
    if (ids.length > 0) {
      await this.db(table).whereIn('request_id', ids).whereNotNull('key_sealed').update({ key_sealed: null });
    }
    return ids;
  }
}
