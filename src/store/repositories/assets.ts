import type { Asset, AssetStatus } from '../../core/assets/asset.js';
import { CoreError } from '../../core/errors.js';
import type { AssetRepository, ListOptions, Page } from '../../core/ports.js';
import { fromJson, insertOrConflict, keysetPage, toDate, toJson } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface AssetRow {
  id: string;
  name: string;
  dns_names: string;
  owner: string | null;
  notify_email: string | null;
  attributes: string;
  status: AssetStatus;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

function toRow(asset: Asset): AssetRow {
  return {
    id: asset.id,
    name: asset.name,
    dns_names: toJson(asset.dnsNames),
    owner: asset.owner,
    notify_email: asset.notifyEmail,
    attributes: toJson(asset.attributes),
    status: asset.status,
    created_at: asset.createdAt,
    updated_at: asset.updatedAt,
  };
}

export function toDomain(row: AssetRow): Asset {
  return {
    id: row.id,
    name: row.name,
    dnsNames: fromJson<string[]>(row.dns_names),
    owner: row.owner,
    notifyEmail: row.notify_email,
    attributes: fromJson<Record<string, string>>(row.attributes),
    status: row.status,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const table = 'assets';

export class KnexAssetRepository implements AssetRepository {
  constructor(private readonly db: Db) {}

  async create(asset: Asset): Promise<void> {
    await insertOrConflict(this.db, table, toRow(asset), 'id', 'An asset with this id');
  }

  async update(asset: Asset): Promise<void> {
    const changes: Partial<AssetRow> = toRow(asset);
    delete changes.id;
    delete changes.created_at;
    const changed = await this.db(table).where({ id: asset.id }).update(changes);
    if (changed === 0) throw new CoreError('not_found', `No asset ${asset.id}`);
  }

  async get(id: string): Promise<Asset | null> {
    const row = (await this.db(table).where({ id }).first()) as AssetRow | undefined;
    return row ? toDomain(row) : null;
  }

  /** `search` matches, case-insensitively, a substring of the name, a DNS name or the owner. */
  async list(filter: { search?: string; status?: AssetStatus } & ListOptions = {}): Promise<Page<Asset>> {
    const query = this.db(table).select('*');
    if (filter.status) query.where({ status: filter.status });
    if (filter.search) {
      const pattern = containsPattern(filter.search);
      query.where((q) =>
        q
          .whereRaw(`lower(name) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(dns_names) like ? escape '\\'`, [pattern])
          .orWhereRaw(`lower(owner) like ? escape '\\'`, [pattern]),
      );
    }
    return keysetPage<AssetRow, Asset>(query, { time: 'created_at', key: 'id' }, filter, toDomain);
  }
}
