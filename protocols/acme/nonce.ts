/**
 * Anti-replay nonces (RFC 8555 §6.5) that any instance sharing the database can redeem: each nonce
 * carries its own expiry and an HMAC over it under the derived `nonceKey`, so checking needs no
 * lookup; only redeemed nonces are stored (until they expire), which makes each one single-use
 * across instances. Layout: version(1) ‖ expiry seconds(4) ‖ random(12) ‖ HMAC-SHA256[0..16).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../src/core/ports.js';
import type { NonceRedemption, NonceRepository } from './store.js';

const VERSION = 1;
const BODY = 17;
const MAC = 16;

export class NonceService {
  readonly #key: Buffer;
  readonly #repo: NonceRepository;
  readonly #clock: Clock;
  readonly #lifetimeSeconds: number;

  constructor(deps: { key: Buffer; repo: NonceRepository; clock: Clock; lifetimeSeconds?: number }) {
    this.#key = deps.key;
    this.#repo = deps.repo;
    this.#clock = deps.clock;
    this.#lifetimeSeconds = deps.lifetimeSeconds ?? 3600;
  }

  /** A fresh nonce; cheap (one HMAC), no storage. */
  issue(): string {
    const body = Buffer.alloc(BODY);
    body[0] = VERSION;
    body.writeUInt32BE(Math.floor(this.#clock.now().getTime() / 1000) + this.#lifetimeSeconds, 1);
    randomBytes(12).copy(body, 5);
    return Buffer.concat([body, this.#mac(body)]).toString('base64url');
  }

  /**
   * Redeems a well-formed, unexpired nonce this key issued: `redeemed` is true exactly once. With
   * `accountId`, the account's current row comes back from the same statement (see NonceRepository).
   */
  async redeem(nonce: string, accountId?: string): Promise<NonceRedemption> {
    if (typeof nonce !== 'string' || nonce.length !== 44 || !/^[A-Za-z0-9_-]+$/.test(nonce))
      return { redeemed: false };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== BODY + MAC || raw[0] !== VERSION) return { redeemed: false };
    const body = raw.subarray(0, BODY);
    if (!timingSafeEqual(raw.subarray(BODY), this.#mac(body))) return { redeemed: false };
    const expires = new Date(body.readUInt32BE(1) * 1000);
    if (expires <= this.#clock.now()) return { redeemed: false };
    return this.#repo.redeem(body.subarray(5).toString('base64url'), expires, accountId);
  }

  /**
   * Housekeeping off the request path: deletes redeemed entries past their expiry (they can no
   * longer matter: an expired nonce fails its own check) every `intervalMs`, in one statement.
   */
  startPurging(intervalMs = 10 * 60_000): { stop(): void } {
    const timer = setInterval(() => {
      void this.#repo.purgeExpired(this.#clock.now()).catch(() => undefined);
    }, intervalMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  #mac(body: Buffer): Buffer {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC);
  }
}
