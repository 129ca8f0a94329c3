/**
 * Account snapshots by id, so that a request signed with `kid` can be verified without reading the
 * account first.
 *
 * What the cache may hold and decide: a recent copy of the account, used only to choose the key the
 * signature is checked with, and to refuse an account already deactivated or revoked (final states,
 * §7.3.6: a copy that says so can never be wrong). What it may not decide: that an account is still
 * valid, approved, or still has that key. Those come from the database on every request: the
 * replayNonce rule redeems the nonce and reads the account row in one statement, and that row
 * replaces the snapshot, so an account deactivated, approved or rolled over to a new key on any
 * instance is seen by the very next request on every instance. A snapshot with a stale key costs a
 * re-read (the signature fails against it) or a second verification (the row shows another key).
 */
import type { Account, AccountRepository } from '../store.js';

export class AccountCache {
  readonly #snapshots = new Map<string, Account>();
  readonly #store: AccountRepository;
  readonly #max: number;

  constructor(store: AccountRepository, max = 10_000) {
    this.#store = store;
    this.#max = max;
  }

  /** The snapshot of `id`, if any. */
  peek(id: string): Account | undefined {
    return this.#snapshots.get(id);
  }

  /** Reads `id` from the store and keeps it as the snapshot. */
  async load(id: string): Promise<Account | null> {
    const account = await this.#store.get(id);
    if (account) this.put(account);
    else this.forget(id);
    return account;
  }

  put(account: Account): void {
    if (this.#snapshots.size >= this.#max && !this.#snapshots.has(account.id)) this.#snapshots.clear();
    this.#snapshots.set(account.id, account);
  }

  forget(id: string): void {
    this.#snapshots.delete(id);
  }
}
