/**
 * Retention of the ACME face's state. Orders a client abandoned (pending, ready or invalid ones past
 * their expiry) and expired authorizations are deleted once `orderDays` have passed, so that a client
 * creating orders it never finalizes cannot grow the database without bound. Valid orders are kept:
 * each is one row linking its URL to the certificate (the certificate itself, and the audit log, live
 * in the core and are never purged here). Processing orders wait on their enrolment request.
 */
import type { Clock } from '../../src/core/ports.js';
import { purgeInBatches, type PurgeBatches } from '../../src/core/purge-batches.js';
import type { AcmeStore } from './store.js';

const DAY_MS = 86_400_000;

export interface RetentionOptions {
  /** Days an abandoned order, or an expired authorization, is kept after its expiry. */
  orderDays: number;
  /** The order lifetime (acme.orderLifetimeSeconds): how long an order may refer to an authorization. */
  orderLifetimeSeconds: number;
  batches?: PurgeBatches;
}

export interface PurgeResult {
  orders: number;
  authorizations: number;
}

export class AcmeRetention {
  readonly #store: AcmeStore;
  readonly #clock: Clock;
  readonly #options: RetentionOptions;

  constructor(deps: { store: AcmeStore; clock: Clock; options: RetentionOptions }) {
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#options = deps.options;
  }

  /**
   * One run, in bounded batches. An order refers only to authorizations unexpired when it was
   * created, and itself expires at most orderLifetimeSeconds after that; so an authorization that
   * expired that much earlier than the orders' cutoff is referred to only by orders that are purged,
   * or valid or processing (neither reads its authorizations again; a valid order's authorization
   * URLs then answer 404).
   */
  async purge(): Promise<PurgeResult> {
    const { orderDays, orderLifetimeSeconds, batches } = this.#options;
    const ordersBefore = new Date(this.#clock.now().getTime() - orderDays * DAY_MS);
    const authorizationsBefore = new Date(ordersBefore.getTime() - orderLifetimeSeconds * 1000);
    return {
      orders: await purgeInBatches(
        (limit) => this.#store.orders.purgeAbandoned(ordersBefore, limit),
        batches,
      ),
      authorizations: await purgeInBatches(
        (limit) => this.#store.authorizations.purgeExpired(authorizationsBefore, limit),
        batches,
      ),
    };
  }

  /** Runs `purge` every `intervalMs`, off the request path; a failed run is retried by the next one. */
  start(intervalMs: number, onError: (err: unknown) => void): { stop(): void } {
    const timer = setInterval(() => {
      this.purge().catch(onError);
    }, intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }
}
