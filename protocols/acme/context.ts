/**
 * What every ACME handler and JWS rule works on: the request reduced to plain data (no Express
 * types), filled in step by step by the JWS rules, and the dependencies passed explicitly.
 */
import type { Logger } from 'pino';
import type { Core } from '../../src/core/core.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import type { AccountCache } from './jws/account-cache.js';
import type { AccountKey, JwsAlgorithm } from './jws/jwk.js';
import type { Linker } from './links.js';
import type { NonceService } from './nonce.js';
import type { Account, AcmeStore } from './store.js';
import type { Validator } from './challenges/validator.js';
import type { RateLimiter } from './rate-limit.js';

/** The flattened JWS JSON serialization (RFC 7515 §7.2.2), as ACME requires (§6.2). */
export interface FlattenedJws {
  protected: string;
  payload: string;
  signature: string;
}

export interface ProtectedHeader {
  alg: JwsAlgorithm;
  nonce: string;
  url: string;
  jwk?: Record<string, unknown>;
  kid?: string;
}

export interface AcmeContext {
  profile: Profile;
  method: string;
  /** The absolute URL the request was sent to. */
  url: string;
  params: Record<string, string>;
  query: Record<string, string>;
  contentType: string | undefined;
  body: Buffer;
  remoteIp: string;
  jws?: FlattenedJws;
  header?: ProtectedHeader;
  /** The key that signed the request (from `jwk`, or the account's key for `kid`). */
  key?: AccountKey;
  /** The account named by `kid`. */
  account?: Account;
  /** The decoded JSON payload; undefined for POST-as-GET (§6.3). */
  payload?: unknown;
}

/** Settings of the ACME face (config acme.*). */
export interface AcmeOptions {
  termsOfService: string | null;
  website: string | null;
  caaIdentities: string[];
  orderLifetimeSeconds: number;
  authzLifetimeSeconds: number;
  /** How long a valid authorization may be reused for a new order; 0 turns reuse off. */
  authzReuseSeconds: number;
  retryAfterSeconds: number;
  /** The profile `/acme/directory` stands for. */
  defaultProfile: string;
  /** Largest number of identifiers per order. */
  maxIdentifiers: number;
  ordersPageSize: number;
}

export interface AcmeDeps {
  core: Core;
  store: AcmeStore;
  linker: Linker;
  nonces: NonceService;
  /** Account snapshots for signature checks; never the word on an account's state (see AccountCache). */
  accounts: AccountCache;
  validator: Validator;
  rateLimiter: RateLimiter;
  options: AcmeOptions;
  logger: Logger;
}

/** What a handler answers; routes.ts writes it. */
export interface AcmeResponse {
  status: number;
  body?: unknown;
  /** For certificate downloads (application/pem-certificate-chain). */
  text?: string;
  contentType?: string;
  location?: string;
  /** A Replay-Nonce for a GET that hands one out (newNonce, §7.2); POST answers get theirs from routes.ts. */
  replayNonce?: string;
  links?: string[];
  retryAfter?: number;
}

export type AcmeHandler = (ctx: AcmeContext, deps: AcmeDeps) => Promise<AcmeResponse>;
