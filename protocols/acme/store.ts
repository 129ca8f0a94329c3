/**
 * The ACME face's state, declared by its consumer (step-ca's acme.DB): accounts, orders,
 * authorizations (challenges live inside their authorization) and redeemed nonces. `src/store`
 * implements it on the same database as the core, so every instance sharing that database sees the
 * same state. Updates are compare-and-set on the status so that racing requests make one transition.
 */
import type { JsonWebKey } from 'node:crypto';
import type { ListOptions, Page } from '../../src/core/ports.js';
import type { ProblemDocument } from './problems.js';

export type AccountStatus = 'valid' | 'deactivated' | 'revoked';
export type OrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
export type AuthorizationStatus = 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
export type ChallengeStatus = 'pending' | 'processing' | 'valid' | 'invalid';
export type ChallengeType = 'http-01' | 'dns-01' | 'tls-alpn-01';

/** RFC 8555 §9.7.7 identifier types; `ip` from RFC 8738. */
export interface Identifier {
  type: 'dns' | 'ip';
  value: string;
}

export interface Account {
  id: string;
  profileId: string;
  status: AccountStatus;
  /** The account key as a public JWK (RFC 7517). */
  jwk: JsonWebKey;
  /** RFC 7638 thumbprint of `jwk`, unique per profile. */
  thumbprint: string;
  contact: string[];
  termsOfServiceAgreed: boolean;
  /** The enrolment code that bound this account (§7.3.4), if any. */
  eabKeyId: string | null;
  /**
   * The asset that code was bound to: certificates this account orders are recorded under it.
   * Undefined on accounts stored before it was kept (finalize then reads the code).
   */
  eabAssetId?: string | null;
  /** False while the profile requires approval of new accounts and no one approved this one. */
  approved: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface Challenge {
  type: ChallengeType;
  token: string;
  status: ChallengeStatus;
  validated: Date | null;
  error: ProblemDocument | null;
}

export interface Authorization {
  id: string;
  accountId: string;
  profileId: string;
  /** For a wildcard order the identifier without its `*.` and `wildcard` true (§7.1.4). */
  identifier: Identifier;
  wildcard: boolean;
  status: AuthorizationStatus;
  expiresAt: Date;
  challenges: Challenge[];
  createdAt: Date;
  updatedAt: Date;
}

export interface Order {
  id: string;
  accountId: string;
  profileId: string;
  status: OrderStatus;
  identifiers: Identifier[];
  authorizationIds: string[];
  notBefore: Date | null;
  notAfter: Date | null;
  expiresAt: Date;
  error: ProblemDocument | null;
  /** Serial of the issued certificate once valid: the link to the core's record of it, no copy. */
  certificateSerial: string | null;
  /** RFC 9773 `replaces`: the ARI certificate id this order renews. */
  replaces: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AccountRepository {
  /** Throws CoreError('conflict') when the key is already registered in this profile. */
  create(account: Account): Promise<void>;
  get(id: string): Promise<Account | null>;
  findByThumbprint(profileId: string, thumbprint: string): Promise<Account | null>;
  /** Replaces the mutable fields; CoreError('conflict') when a new key is already in use. */
  update(account: Account): Promise<void>;
}

export interface OrderRepository {
  /**
   * Stores the order and its new authorizations (a multi-row insert). The order is never stored
   * without them; a failure may leave authorizations without an order (unreachable, they expire).
   */
  create(order: Order, authorizations: Authorization[]): Promise<void>;
  get(id: string): Promise<Order | null>;
  /** Compare-and-set: writes `order` only while the stored status is `from`. */
  update(order: Order, from: OrderStatus): Promise<boolean>;
  /** Order ids of an account, oldest first (§7.1.2.1). */
  listIds(accountId: string, options: ListOptions): Promise<Page<string>>;
  /** The live order that claims to replace `certId` (RFC 9773 §5), if any. */
  findByReplaces(certId: string): Promise<Order | null>;
  /**
   * The order with the PEM of its certificate (null until valid) read in the same statement, for
   * the download (§7.4.2).
   */
  getWithCertificate(id: string): Promise<{ order: Order; certificatePem: string | null } | null>;
  /**
   * Deletes up to `limit` abandoned orders: pending, ready or invalid, expired before `before`.
   * Valid and processing orders are kept. Returns how many; instances purging at once share the work.
   */
  purgeAbandoned(before: Date, limit: number): Promise<number>;
}

export interface AuthorizationRepository {
  get(id: string): Promise<Authorization | null>;
  getMany(ids: string[]): Promise<Authorization[]>;
  /** Compare-and-set on the status. */
  update(authz: Authorization, from: AuthorizationStatus): Promise<boolean>;
  /** Stores a pre-authorization (§7.4.1) on its own. */
  create(authz: Authorization): Promise<void>;
  /**
   * Deletes up to `limit` authorizations (their challenges inside) that expired before `before`,
   * whatever their status; returns how many. The caller picks `before` so that no live order
   * refers to them (see retention.ts).
   */
  purgeExpired(before: Date, limit: number): Promise<number>;
  /** The newest valid, unexpired authorization of the account for the identifier (reuse, revocation). */
  findValid(
    accountId: string,
    identifier: Identifier,
    wildcard: boolean,
    now: Date,
  ): Promise<Authorization | null>;
}

/** What redeeming a nonce answers. */
export interface NonceRedemption {
  /** False when the nonce was already redeemed (on any instance). */
  redeemed: boolean;
  /**
   * The current state of the account asked for, read by the same statement that redeemed the nonce
   * (null when there is no such account); absent when no account was asked for or not redeemed.
   */
  account?: Account | null;
}

export interface NonceRepository {
  /**
   * Records the nonce as used, in one statement (a primary-key conflict means a replay; no read
   * before). `expiresAt` lets old entries be purged: an expired nonce is refused by its own check,
   * so its entry is no longer needed. With `accountId`, the same statement also returns that
   * account's current row, so a request signed with `kid` learns the account's status and key from
   * the database on every request at no extra round trip.
   */
  redeem(id: string, expiresAt: Date, accountId?: string): Promise<NonceRedemption>;
  /** Deletes entries past their expiry; returns how many. */
  purgeExpired(now: Date): Promise<number>;
}

/** One rate limit's window for one key: the events counted since `start`. */
export interface RateWindow {
  start: Date;
  count: number;
}

/**
 * Rate-limit counters shared by every instance on the database: one row per limit and key, so a
 * limit holds across instances instead of multiplying by their number.
 */
export interface RateCountRepository {
  /**
   * Counts one event in one atomic statement. A window that started at or before `staleBefore` has
   * ended: it restarts at `now` with this event. With `peek`, the same statement also reads that
   * other limit's window for the same key (absent when there is none, or it has ended).
   */
  increment(
    limit: string,
    key: string,
    now: Date,
    staleBefore: Date,
    peek?: string,
  ): Promise<{ window: RateWindow; peeked?: RateWindow }>;
  /** The current window of `limit` for `key`; null when there is none or it has ended. */
  get(limit: string, key: string, staleBefore: Date): Promise<RateWindow | null>;
  /** Deletes windows that ended (started at or before `staleBefore`); returns how many. */
  purgeEnded(staleBefore: Date): Promise<number>;
}

/** Everything the ACME face stores. */
export interface AcmeStore {
  accounts: AccountRepository;
  orders: OrderRepository;
  authorizations: AuthorizationRepository;
  nonces: NonceRepository;
  rateCounts: RateCountRepository;
}
