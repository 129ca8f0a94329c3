/**
 * Rate limits (Boulder's NewRegistrationsPerIPAddress, NewOrdersPerAccount,
 * FailedAuthorizationsPerAccount): fixed one-hour windows counted in this process. Exceeding one
 * answers rateLimited with Retry-After until the window ends. A limit of 0 turns that limit off.
 * Per instance: with N instances behind a balancer the effective limit is up to N times higher.
 */
import type { Clock } from '../../src/core/ports.js';
import { problem } from './problems.js';

export interface RateLimits {
  newAccountsPerIpPerHour: number;
  newOrdersPerAccountPerHour: number;
  failedValidationsPerAccountPerHour: number;
}

type Bucket = 'newAccount' | 'newOrder' | 'failedValidation';

const HOUR = 3_600_000;
const MAX_KEYS = 100_000;

export class RateLimiter {
  readonly #limits: Record<Bucket, number>;
  readonly #clock: Clock;
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(limits: RateLimits, clock: Clock) {
    this.#limits = {
      newAccount: limits.newAccountsPerIpPerHour,
      newOrder: limits.newOrdersPerAccountPerHour,
      failedValidation: limits.failedValidationsPerAccountPerHour,
    };
    this.#clock = clock;
  }

  #window(bucket: Bucket, key: string): { start: number; count: number } {
    const now = this.#clock.now().getTime();
    const id = `${bucket}:${key}`;
    let w = this.#windows.get(id);
    if (!w || now - w.start >= HOUR) {
      if (this.#windows.size >= MAX_KEYS) this.#windows.clear();
      w = { start: now, count: 0 };
      this.#windows.set(id, w);
    }
    return w;
  }

  #refuse(bucket: Bucket, w: { start: number }, what: string): never {
    const retryAfter = Math.max(1, Math.ceil((w.start + HOUR - this.#clock.now().getTime()) / 1000));
    throw problem.rateLimited(`Too many ${what}: at most ${this.#limits[bucket]} per hour`, {
      headers: { 'Retry-After': String(retryAfter) },
    });
  }

  /** Counts one event of `bucket` for `key`, refusing it when the limit is reached. */
  take(bucket: 'newAccount' | 'newOrder', key: string): void {
    const limit = this.#limits[bucket];
    if (limit <= 0) return;
    const w = this.#window(bucket, key);
    if (w.count >= limit)
      this.#refuse(
        bucket,
        w,
        bucket === 'newAccount' ? 'new accounts from this address' : 'new orders for this account',
      );
    w.count++;
  }

  /** Refuses new work for an account that failed too many validations this hour. */
  checkFailures(accountId: string): void {
    const limit = this.#limits.failedValidation;
    if (limit <= 0) return;
    const w = this.#window('failedValidation', accountId);
    if (w.count >= limit) this.#refuse('failedValidation', w, 'failed validations for this account');
  }

  recordFailure(accountId: string): void {
    if (this.#limits.failedValidation > 0) this.#window('failedValidation', accountId).count++;
  }
}
