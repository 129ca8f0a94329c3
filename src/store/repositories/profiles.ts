import { CoreError } from '../../core/errors.js';
import type { Page, ProfileRepository } from '../../core/ports.js';
import type { Profile, ProfileSettings, ProfileStatus } from '../../core/profiles/profile.js';
import { fromJson, insertOrConflict, keysetPage, toDate, toJson } from './shared.js';
import type { Db, DbTimestamp } from './shared.js';

export interface ProfileRow {
  id: string;
  name: string;
  status: ProfileStatus;
  settings: string;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

/** Exactly the ProfileSettings fields, so that nothing else ends up in the JSON column. */
function settingsOf(profile: Profile): ProfileSettings {
  return {
    description: profile.description,
    keyPolicy: profile.keyPolicy,
    validityDays: profile.validityDays,
    keyUsage: profile.keyUsage,
    extendedKeyUsage: profile.extendedKeyUsage,
    domainPolicy: profile.domainPolicy,
    approval: profile.approval,
    protocols: profile.protocols,
    codePolicy: profile.codePolicy,
    scep: profile.scep,
    acme: profile.acme,
    ...(profile.pkcs12Encryption ? { pkcs12Encryption: profile.pkcs12Encryption } : {}),
  };
}

function toRow(profile: Profile): ProfileRow {
  return {
    id: profile.id,
    name: profile.name,
    status: profile.status,
    settings: toJson(settingsOf(profile)),
    created_at: profile.createdAt,
    updated_at: profile.updatedAt,
  };
}

export function toDomain(row: ProfileRow): Profile {
  return {
    ...fromJson<ProfileSettings>(row.settings),
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

const table = 'profiles';

export class KnexProfileRepository implements ProfileRepository {
  constructor(private readonly db: Db) {}

  async create(profile: Profile): Promise<void> {
    await insertOrConflict(this.db, table, toRow(profile), 'id', 'A profile with this id or name');
  }

  async update(profile: Profile): Promise<void> {
    const changes: Partial<ProfileRow> = toRow(profile);
    delete changes.id;
    delete changes.created_at;
    const changed = await this.db(table).where({ id: profile.id }).update(changes);
    if (changed === 0) throw new CoreError('not_found', `No profile ${profile.id}`);
  }

  async get(id: string): Promise<Profile | null> {
    const row = (await this.db(table).where({ id }).first()) as ProfileRow | undefined;
    return row ? toDomain(row) : null;
  }

  async getByName(name: string): Promise<Profile | null> {
    const row = (await this.db(table).where({ name }).first()) as ProfileRow | undefined;
    return row ? toDomain(row) : null;
  }

  /** One statement for both keys; an id match wins over a name match, as get-then-getByName did. */
  async find(idOrName: string): Promise<Profile | null> {
    const rows = (await this.db(table)
      .where({ id: idOrName })
      .orWhere({ name: idOrName })
      .limit(2)) as ProfileRow[];
    const row = rows.find((r) => r.id === idOrName) ?? rows[0];
    return row ? toDomain(row) : null;
  }

  async list(
    filter: { status?: ProfileStatus; limit?: number; cursor?: string | null } = {},
  ): Promise<Page<Profile>> {
    const query = this.db(table).select('*');
    if (filter.status) query.where({ status: filter.status });
    return keysetPage<ProfileRow, Profile>(query, { time: 'created_at', key: 'id' }, filter, toDomain);
  }
}
