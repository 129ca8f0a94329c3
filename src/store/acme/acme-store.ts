/**
 * The knex implementation of the ACME face's AcmeStore port, on the same database as the core
 * (SQLite or PostgreSQL). Status updates are compare-and-set so that concurrent requests on any
 * instance make exactly one transition.
 */
import type { Knex } from 'knex';
import type {
  Account,
  AccountRepository,
  AcmeStore,
  Authorization,
  AuthorizationRepository,
  AuthorizationStatus,
  Identifier,
  NonceRedemption,
  NonceRepository,
  Order,
  OrderRepository,
  OrderStatus,
  RateCountRepository,
  RateWindow,
} from '../../../protocols/acme/store.js';
import type { ListOptions, Page } from '../../core/ports.js';
import { dialectOf, type Dialect } from '../db.js';
import { guarded } from '../errors.js';
import {
  deleteBatch,
  insertOrConflict,
  keysetPage,
  rawRows,
  toDate,
  type Db,
  type DbTimestamp,
} from '../repositories/shared.js';
import {
  accountFromRow,
  accountToRow,
  authzFromRow,
  authzToRow,
  identifierKey,
  orderFromRow,
  orderToRow,
  type AccountRow,
  type AuthorizationRow,
  type OrderRow,
} from './rows.js';

class Accounts implements AccountRepository {
  constructor(private readonly db: Db) {}
  async create(account: Account): Promise<void> {
    await insertOrConflict(this.db, 'acme_accounts', accountToRow(account), 'id', 'An account with this key');
  }
  async get(id: string): Promise<Account | null> {
    const row = (await this.db('acme_accounts').where({ id }).first()) as AccountRow | undefined;
    return row ? accountFromRow(row) : null;
  }
  async findByThumbprint(profileId: string, thumbprint: string): Promise<Account | null> {
    const row = (await this.db('acme_accounts').where({ profile_id: profileId, thumbprint }).first()) as
      AccountRow | undefined;
    return row ? accountFromRow(row) : null;
  }
  async update(account: Account): Promise<void> {
    const row = accountToRow(account);
    await this.db('acme_accounts')
      .where({ id: account.id })
      .update({ thumbprint: row.thumbprint, status: row.status, data: row.data, updated_at: row.updated_at });
  }
}

class Orders implements OrderRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}
  async create(order: Order, authorizations: Authorization[]): Promise<void> {
    const orderRow = orderToRow(order);
    if (authorizations.length === 0) {
      await this.db('acme_orders').insert(orderRow);
    } else if (this.dialect === 'postgres') {
      // One statement, atomic by itself: the authorizations in a data-modifying CTE, then the order.
      await this.db
        .with('authorizations', this.db('acme_authorizations').insert(authorizations.map(authzToRow)))
        .insert(orderRow)
        .into('acme_orders');
    } else {
      // SQLite has no data-modifying CTE. Authorizations first, then the order, each statement atomic:
      // an order is never stored without its authorizations, and a failure between the two leaves
      // only pending authorizations no client was ever told of (they expire unused). That spares the
      // BEGIN/COMMIT round trips on the single connection.
      await this.db('acme_authorizations').insert(authorizations.map(authzToRow));
      await this.db('acme_orders').insert(orderRow);
    }
  }
  async get(id: string): Promise<Order | null> {
    const row = (await this.db('acme_orders').where({ id }).first()) as OrderRow | undefined;
    return row ? orderFromRow(row) : null;
  }
  async update(order: Order, from: OrderStatus): Promise<boolean> {
    const row = orderToRow(order);
    const changed = await this.db('acme_orders').where({ id: order.id, status: from }).update({
      status: row.status,
      replaces: row.replaces,
      certificate_serial: row.certificate_serial,
      data: row.data,
      updated_at: row.updated_at,
    });
    return changed === 1;
  }
  async listIds(accountId: string, options: ListOptions): Promise<Page<string>> {
    return keysetPage<{ id: string; created_at: Date }, string>(
      this.db('acme_orders').select('id', 'created_at').where({ account_id: accountId }),
      { time: 'created_at', key: 'id' },
      options,
      (row) => row.id,
    );
  }
  async findByReplaces(certId: string): Promise<Order | null> {
    const row = (await this.db('acme_orders')
      .where({ replaces: certId })
      .orderBy('created_at', 'desc')
      .first()) as OrderRow | undefined;
    return row ? orderFromRow(row) : null;
  }
  async getWithCertificate(id: string): Promise<{ order: Order; certificatePem: string | null } | null> {
    const row = (await this.db('acme_orders as o')
      .leftJoin('certificates as c', 'c.serial_number', 'o.certificate_serial')
      .select('o.*', 'c.pem as certificate_pem')
      .where('o.id', id)
      .first()) as (OrderRow & { certificate_pem: string | null }) | undefined;
    return row ? { order: orderFromRow(row), certificatePem: row.certificate_pem } : null;
  }
  async purgeAbandoned(before: Date, limit: number): Promise<number> {
    return deleteBatch(
      this.db,
      'acme_orders',
      (q) => q.whereIn('status', ['pending', 'ready', 'invalid']).andWhere('expires_at', '<', before),
      limit,
    );
  }
}

class Authorizations implements AuthorizationRepository {
  constructor(private readonly db: Db) {}
  async get(id: string): Promise<Authorization | null> {
    const row = (await this.db('acme_authorizations').where({ id }).first()) as AuthorizationRow | undefined;
    return row ? authzFromRow(row) : null;
  }
  async getMany(ids: string[]): Promise<Authorization[]> {
    if (ids.length === 0) return [];
    const rows = (await this.db('acme_authorizations').whereIn('id', ids)) as AuthorizationRow[];
    const byId = new Map(rows.map((r) => [r.id, authzFromRow(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
  async update(authz: Authorization, from: AuthorizationStatus): Promise<boolean> {
    const row = authzToRow(authz);
    const changed = await this.db('acme_authorizations').where({ id: authz.id, status: from }).update({
      identifier: row.identifier,
      status: row.status,
      expires_at: row.expires_at,
      data: row.data,
      updated_at: row.updated_at,
    });
    return changed === 1;
  }
  async create(authz: Authorization): Promise<void> {
    await this.db('acme_authorizations').insert(authzToRow(authz));
  }
  async purgeExpired(before: Date, limit: number): Promise<number> {
    return deleteBatch(this.db, 'acme_authorizations', (q) => q.where('expires_at', '<', before), limit);
  }
  async findValid(
    accountId: string,
    identifier: Identifier,
    wildcard: boolean,
    now: Date,
  ): Promise<Authorization | null> {
    const row = (await this.db('acme_authorizations')
      .where({ account_id: accountId, identifier: identifierKey(identifier, wildcard), status: 'valid' })
      .andWhere('expires_at', '>', now)
      .orderBy('updated_at', 'desc')
      .first()) as AuthorizationRow | undefined;
    return row ? authzFromRow(row) : null;
  }
}

/** Account columns a kid-signed request reads back with its nonce (the id it already knows). */
const accountColumns = ['profile_id', 'thumbprint', 'status', 'data', 'created_at', 'updated_at'] as const;

class Nonces implements NonceRepository {
  constructor(private readonly db: Db) {}
  async redeem(id: string, expiresAt: Date, accountId?: string): Promise<NonceRedemption> {
    if (accountId === undefined) {
      const inserted = (await this.db('acme_nonces')
        .insert({ id, expires_at: expiresAt })
        .onConflict('id')
        .ignore()
        .returning('id')) as unknown[];
      return { redeemed: inserted.length === 1 };
    }
    // One statement on both dialects: the insert redeems (a primary-key conflict is a replay and
    // returns no row) and RETURNING reads the account by primary key, so the caller sees its status
    // and key as they are now, committed by any instance, without a second round trip.
    const reads = accountColumns.map((c) => `(select ${c} from acme_accounts where id = ?) as ${c}`);
    const result = (await this.db.raw(
      `insert into acme_nonces (id, expires_at) values (?, ?) on conflict (id) do nothing returning id as nonce, ${reads.join(', ')}`,
      [id, expiresAt, ...accountColumns.map(() => accountId)],
    )) as unknown;
    const row = rawRows<Omit<AccountRow, 'id' | 'profile_id'> & { profile_id: string | null }>(result)[0];
    if (!row) return { redeemed: false };
    const { profile_id: profileId, ...rest } = row;
    return {
      redeemed: true,
      account: profileId ? accountFromRow({ ...rest, id: accountId, profile_id: profileId }) : null,
    };
  }
  async purgeExpired(now: Date): Promise<number> {
    return this.db('acme_nonces').where('expires_at', '<=', now).delete();
  }
}

interface RateRow {
  window_start: DbTimestamp;
  count: number | string;
  peek_start?: DbTimestamp | null;
  peek_count?: number | string | null;
}

const windowOf = (start: DbTimestamp, count: number | string): RateWindow => ({
  start: toDate(start),
  count: Number(count),
});

class RateCounts implements RateCountRepository {
  constructor(private readonly db: Db) {}
  async increment(
    limit: string,
    key: string,
    now: Date,
    staleBefore: Date,
    peek?: string,
  ): Promise<{ window: RateWindow; peeked?: RateWindow }> {
    // One statement on both dialects. SET reads the row as it was, so both columns see the old
    // window; the peeked window comes back from subqueries in RETURNING, like a nonce's account.
    const other = (column: string) =>
      `(select ${column} from acme_rate_counts p where p.limit_name = ? and p.key = ? and p.window_start > ?)`;
    const peekSql = peek ? `, ${other('window_start')} as peek_start, ${other('count')} as peek_count` : '';
    const peekBindings = peek ? [peek, key, staleBefore, peek, key, staleBefore] : [];
    const result = (await this.db.raw(
      `insert into acme_rate_counts (limit_name, key, window_start, count) values (?, ?, ?, 1)
       on conflict (limit_name, key) do update set
         count = case when acme_rate_counts.window_start <= ? then 1 else acme_rate_counts.count + 1 end,
         window_start = case when acme_rate_counts.window_start <= ? then excluded.window_start
                        else acme_rate_counts.window_start end
       returning window_start, count${peekSql}`,
      [limit, key, now, staleBefore, staleBefore, ...peekBindings],
    )) as unknown;
    const row = rawRows<RateRow>(result)[0] as RateRow;
    const window = windowOf(row.window_start, row.count);
    return row.peek_start != null && row.peek_count != null
      ? { window, peeked: windowOf(row.peek_start, row.peek_count) }
      : { window };
  }
  async get(limit: string, key: string, staleBefore: Date): Promise<RateWindow | null> {
    const row = (await this.db('acme_rate_counts')
      .where({ limit_name: limit, key })
      .andWhere('window_start', '>', staleBefore)
      .first()) as RateRow | undefined;
    return row ? windowOf(row.window_start, row.count) : null;
  }
  async purgeEnded(staleBefore: Date): Promise<number> {
    return this.db('acme_rate_counts').where('window_start', '<=', staleBefore).delete();
  }
}

/** The AcmeStore on `knex`, every method's driver errors translated to CoreError. */
export function createAcmeStore(knex: Knex): AcmeStore {
  const dialect = dialectOf(knex);
  return {
    accounts: guarded(dialect, new Accounts(knex)),
    orders: guarded(dialect, new Orders(knex, dialect)),
    authorizations: guarded(dialect, new Authorizations(knex)),
    nonces: guarded(dialect, new Nonces(knex)),
    rateCounts: guarded(dialect, new RateCounts(knex)),
  };
}
