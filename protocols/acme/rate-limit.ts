/**
 * Rate limits (Boulder's NewRegistrationsPerIPAddress, NewOrdersPerAccount,
 * FailedAuthorizationsPerAccount): one-hour windows, each starting at its key's first event,
 * counted in the store so that every instance sharing the database counts against the same limit.
 * Exceeding one answers rateLimited with Retry-After until the window ends. A limit of 0 turns that
 * limit off and costs nothing.
 */
import type { Clock } from '../../src/core/ports.js';
import { problem } from './problems.js';
import type { RateCountRepository, RateWindow } from './store.js';

export interface RateLimits {
  newAccountsPerIpPerHour: number;
  newOrdersPerAccountPerHour: number;
  failedValidationsPerAccountPerHour: number;
}

type Limit = 'newAccount' | 'newOrder' | 'failedValidation';

const HOUR = 3_600_000;

const what: Record<Limit, string> = {
  newAccount: 'new accounts from this address',
  newOrder: 'new orders for this account',
  failedValidation: 'failed validations for this account',
};

export class RateLimiter {
  readonly #limits: Record<Limit, number>;
  readonly #counts: RateCountRepository;
  readonly #clock: Clock;

  constructor(limits: RateLimits, counts: RateCountRepository, clock: Clock) {
    this.#limits = {
      newAccount: limits.newAccountsPerIpPerHour,
      newOrder: limits.newOrdersPerAccountPerHour,
      failedValidation: limits.failedValidationsPerAccountPerHour,
    };
    this.#counts = counts;
    this.#clock = clock;
  }

  /** Counts a new account from `ip`, refusing it beyond the limit. */
  async takeNewAccount(ip: string): Promise<void> {
    if (this.#limits.newAccount <= 0) return;
    const now = this.#clock.now();
    const { window } = await this.#counts.increment('newAccount', ip, now, staleBefore(now));
    this.#refuseOver('newAccount', window, now);
  }

  /**
   * Counts a new order (or pre-authorization) of the account, refusing it beyond the limit or when
   * the account failed too many validations this hour: one statement for both.
   */
  async takeNewOrder(accountId: string): Promise<void> {
    const orders = this.#limits.newOrder > 0;
    const failures = this.#limits.failedValidation > 0;
    const now = this.#clock.now();
    if (orders) {
      const peek = failures ? 'failedValidation' : undefined;
      const taken = await this.#counts.increment('newOrder', accountId, now, staleBefore(now), peek);
      if (taken.peeked) this.#refuseAt('failedValidation', taken.peeked, now);
      this.#refuseOver('newOrder', taken.window, now);
    } else if (failures) {
      const window = await this.#counts.get('failedValidation', accountId, staleBefore(now));
      if (window) this.#refuseAt('failedValidation', window, now);
    }
  }

  /** Counts a failed validation of the account. */
  async recordFailure(accountId: string): Promise<void> {
    if (this.#limits.failedValidation <= 0) return;
    const now = this.#clock.now();
    await this.#counts.increment('failedValidation', accountId, now, staleBefore(now));
  }

  /**
   * Housekeeping off the request path: deletes windows that ended (a new event starts a new one
   * anyway) every `intervalMs`, in one statement.
   */
  startPurging(intervalMs = 10 * 60_000): { stop(): void } {
    const timer = setInterval(() => {
      void this.#counts.purgeEnded(staleBefore(this.#clock.now())).catch(() => undefined);
    }, intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  /** The event just counted is refused when it went over the limit. */
  #refuseOver(limit: Limit, window: RateWindow, now: Date): void {
    if (window.count > this.#limits[limit]) this.#refuse(limit, window, now);
  }

  /** New work is refused once the limit is reached. */
  #refuseAt(limit: Limit, window: RateWindow, now: Date): void {
    if (window.count >= this.#limits[limit]) this.#refuse(limit, window, now);
  }

  #refuse(limit: Limit, window: RateWindow, now: Date): never {
    const retryAfter = Math.max(1, Math.ceil((window.start.getTime() + HOUR - now.getTime()) / 1000));
    throw problem.rateLimited(`Too many ${what[limit]}: at most ${this.#limits[limit]} per hour`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
}

/** Windows that started at or before this instant have ended. */
function staleBefore(now: Date): Date {
  return new Date(now.getTime() - HOUR);
}
