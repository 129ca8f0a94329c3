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
  NonceRepository,
  Order,
  OrderRepository,
  OrderStatus,
} from '../../../protocols/acme/store.js';
import type { ListOptions, Page } from '../../core/ports.js';
import { dialectOf } from '../db.js';
import { guarded } from '../errors.js';
import { insertOrConflict, keysetPage, type Db } from '../repositories/shared.js';
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

/**
 * Accounts are read on every ACME request. A SQLite store serves one process, whose single
 * connection is the throughput limit, so it keeps accounts in memory briefly, written through on
 * every change; the short TTL bounds how late it sees a change made by another process on the same
 * file (the CLI approving an account). PostgreSQL, shared by several instances, is always read.
 */
class CachedAccounts implements AccountRepository {
  readonly #cache = new Map<string, { at: number; account: Account }>();
  constructor(
    private readonly inner: AccountRepository,
    private readonly ttlMs = 2000,
  ) {}
  async create(account: Account): Promise<void> {
    await this.inner.create(account);
  }
  async get(id: string): Promise<Account | null> {
    const hit = this.#cache.get(id);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.account;
    const account = await this.inner.get(id);
    if (account) {
      if (this.#cache.size >= 10_000) this.#cache.clear();
      this.#cache.set(id, { at: Date.now(), account });
    } else this.#cache.delete(id);
    return account;
  }
  findByThumbprint(profileId: string, thumbprint: string): Promise<Account | null> {
    return this.inner.findByThumbprint(profileId, thumbprint);
  }
  async update(account: Account): Promise<void> {
    this.#cache.delete(account.id);
    await this.inner.update(account);
  }
}

class Orders implements OrderRepository {
  constructor(private readonly db: Db) {}
  async create(order: Order, authorizations: Authorization[]): Promise<void> {
    const write = async (trx: Db) => {
      if (authorizations.length > 0) await trx('acme_authorizations').insert(authorizations.map(authzToRow));
      await trx('acme_orders').insert(orderToRow(order));
    };
    if ('isTransaction' in this.db && this.db.isTransaction) await write(this.db);
    else await (this.db as Knex).transaction(write);
  }
  async get(id: string): Promise<Order | null> {
    const row = (await this.db('acme_orders').where({ id }).first()) as OrderRow | undefined;
    return row ? orderFromRow(row) : null;
  }
  async update(order: Order, from: OrderStatus): Promise<boolean> {
    const row = orderToRow(order);
    const changed = await this.db('acme_orders')
      .where({ id: order.id, status: from })
      .update({ status: row.status, replaces: row.replaces, data: row.data, updated_at: row.updated_at });
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

class Nonces implements NonceRepository {
  constructor(private readonly db: Db) {}
  async redeem(id: string, expiresAt: Date): Promise<boolean> {
    const inserted = (await this.db('acme_nonces')
      .insert({ id, expires_at: expiresAt })
      .onConflict('id')
      .ignore()
      .returning('id')) as unknown[];
    return inserted.length === 1;
  }
  async purgeExpired(now: Date): Promise<number> {
    return this.db('acme_nonces').where('expires_at', '<=', now).delete();
  }
}

/** The AcmeStore on `knex`, every method's driver errors translated to CoreError. */
export function createAcmeStore(knex: Knex): AcmeStore {
  const dialect = dialectOf(knex);
  return {
    accounts:
      dialect === 'sqlite'
        ? new CachedAccounts(guarded(dialect, new Accounts(knex)))
        : guarded(dialect, new Accounts(knex)),
    orders: guarded(dialect, new Orders(knex)),
    authorizations: guarded(dialect, new Authorizations(knex)),
    nonces: guarded(dialect, new Nonces(knex)),
  };
}
