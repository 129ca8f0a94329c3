/**
 * Runs challenge validation asynchronously (§7.5.1: the POST answers at once with the challenge
 * `processing`; the client polls). The outcome is written back with compare-and-set, so whichever
 * instance took the POST validates and every instance reads the result.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../../src/core/ports.js';
import { toProblem, urn, type AcmeProblem } from '../problems.js';
import { checkCaa } from './caa.js';
import { validateDns01 } from './dns-01.js';
import { validateTlsAlpn01 } from './tls-alpn-01.js';
import type { Account, AcmeStore, Authorization, Challenge } from '../store.js';
import { validateHttp01 } from './http-01.js';
import type { DnsResolver } from './resolver.js';

export interface Validator {
  /** Challenge types this validator can check, offered in this order. */
  readonly types: Challenge['type'][];
  /** Starts validating `type` of `authz` for `account`; resolves once the work is scheduled. */
  start(account: Account, authz: Authorization, type: Challenge['type'], extra?: ValidationExtra): void;
  /** Resolves when every validation started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  /**
   * Checks CAA again, at issuance, for the authorizations validated longer ago than CAA may be
   * relied on; throws the caa (or dns) problem.
   */
  recheckCaa(authzs: Authorization[], accountUri: string): Promise<void>;
}

/**
 * How long a CAA check made at validation may be relied on (CA/Browser Forum Baseline Requirements
 * §3.2.2.8: CAA is checked within 8 hours before issuance). A reused authorization may be older.
 */
export const CAA_RECHECK_MS = 8 * 3_600_000;

/** What a validation needs beyond the challenge: CAA checking when the profile turns it on. */
export interface ValidationExtra {
  caa?: { accountUri: string };
}

export interface ValidatorOptions {
  resolver: DnsResolver;
  http01Port: number;
  tlsAlpn01Port: number;
  timeoutMs: number;
  /** Test switch: every challenge validates without contacting anyone (like PEBBLE_VA_ALWAYS_VALID). */
  alwaysValid?: boolean;
  /** Pauses before each retry of a transiently failed validation (§8.2); [] never retries. */
  retryDelaysMs?: number[];
  /** CAA issuer domains of this CA (RFC 8659). */
  caaIdentities?: string[];
  /** A valid authorization stays valid (and reusable) this long (0: until the pending expiry). */
  validLifetimeSeconds?: number;
  /** Challenge types to offer (default http-01). */
  types?: Challenge['type'][];
}

/** Checks one challenge; throws an AcmeProblem when it fails. */
export type ChallengeCheck = (
  authz: Authorization,
  challenge: Challenge,
  keyAuthorization: string,
) => Promise<void>;

export class ChallengeValidator implements Validator {
  readonly #store: AcmeStore;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #checks: Record<Challenge['type'], ChallengeCheck>;
  readonly #running = new Set<Promise<void>>();
  readonly #alwaysValid: boolean;
  readonly #validLifetimeMs: number;
  readonly #onFailure: (accountId: string) => Promise<void> | void;
  readonly #retryDelaysMs: number[];
  readonly #resolver: DnsResolver;
  readonly #caaIdentities: string[];
  readonly types: Challenge['type'][];

  constructor(deps: {
    store: AcmeStore;
    clock: Clock;
    logger: Logger;
    options: ValidatorOptions;
    checks?: Partial<Record<Challenge['type'], ChallengeCheck>>;
    /** Told of each failed validation (the failed-validations rate limit). */
    onFailure?: (accountId: string) => Promise<void> | void;
  }) {
    this.#onFailure = deps.onFailure ?? (() => undefined);
    this.#store = deps.store;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#alwaysValid = deps.options.alwaysValid ?? false;
    const o = deps.options;
    this.#checks = {
      'http-01': (authz, challenge, keyAuth) =>
        validateHttp01(authz.identifier, challenge.token, keyAuth, {
          resolver: o.resolver,
          port: o.http01Port,
          timeoutMs: o.timeoutMs,
        }),
      'dns-01': (authz, _challenge, keyAuth) => validateDns01(authz.identifier, keyAuth, o.resolver),
      'tls-alpn-01': (authz, _challenge, keyAuth) =>
        validateTlsAlpn01(authz.identifier, keyAuth, {
          resolver: o.resolver,
          port: o.tlsAlpn01Port,
          timeoutMs: o.timeoutMs,
        }),
      ...deps.checks,
    };
    this.types = deps.options.types ?? ['http-01'];
    this.#validLifetimeMs = (deps.options.validLifetimeSeconds ?? 0) * 1000;
    this.#resolver = o.resolver;
    this.#caaIdentities = o.caaIdentities ?? [];
    this.#retryDelaysMs = o.retryDelaysMs ?? [1000, 3000];
  }

  start(account: Account, authz: Authorization, type: Challenge['type'], extra: ValidationExtra = {}): void {
    const job = this.#run(account, authz, type, extra).catch((err: unknown) =>
      this.#logger.error({ err, authz: authz.id }, 'challenge validation failed unexpectedly'),
    );
    this.#running.add(job);
    void job.finally(() => this.#running.delete(job));
  }

  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  async #run(
    account: Account,
    authz: Authorization,
    type: Challenge['type'],
    extra: ValidationExtra,
  ): Promise<void> {
    const challenge = authz.challenges.find((c) => c.type === type);
    if (!challenge) return;
    const keyAuthorization = `${challenge.token}.${account.thumbprint}`;
    let error: AcmeProblem | null = null;
    // §8.2: a transient failure (no connection, DNS or TLS trouble) is retried a few times with a
    // growing pause before the challenge is declared invalid; a wrong answer is final at once.
    for (let attempt = 0; ; attempt++) {
      error = null;
      try {
        if (!this.#alwaysValid) await this.#checks[type](authz, challenge, keyAuthorization);
        if (extra.caa) await this.#checkCaa(authz, extra.caa.accountUri, type);
      } catch (err) {
        error = toProblem(err);
        if (error.type === 'serverInternal') this.#logger.error({ err }, 'validation error');
      }
      const transient = error && ['connection', 'dns', 'tls'].includes(error.type);
      if (!transient || attempt >= this.#retryDelaysMs.length) break;
      await new Promise((resolve) => setTimeout(resolve, this.#retryDelaysMs[attempt]));
    }
    if (error) {
      try {
        await this.#onFailure(account.id);
      } catch (err) {
        this.#logger.warn({ err }, 'A failed validation was not counted toward the rate limit');
      }
    }
    const now = this.#clock.now();
    // `authz` is what the challenge handler stored (status pending, this challenge processing); the
    // compare-and-set on the status below refuses the write if anything moved it on since.
    const current = authz;
    const doc = error ? { ...error.toJSON(), type: urn(error.type) } : null;
    const next: Authorization = {
      ...current,
      status: error ? 'invalid' : 'valid',
      updatedAt: now,
      expiresAt:
        !error && this.#validLifetimeMs > 0
          ? new Date(now.getTime() + this.#validLifetimeMs)
          : current.expiresAt,
      challenges: current.challenges.map((c) =>
        c.type === type
          ? { ...c, status: error ? 'invalid' : 'valid', validated: error ? null : now, error: doc }
          : c,
      ),
    };
    await this.#store.authorizations.update(next, 'pending');
  }

  async recheckCaa(authzs: Authorization[], accountUri: string): Promise<void> {
    const reliedOnSince = this.#clock.now().getTime() - CAA_RECHECK_MS;
    for (const authz of authzs) {
      const challenge = authz.challenges.find((c) => c.status === 'valid');
      if (!challenge?.validated || challenge.validated.getTime() > reliedOnSince) continue;
      await this.#checkCaa(authz, accountUri, challenge.type);
    }
  }

  #checkCaa(authz: Authorization, accountUri: string, method: Challenge['type']): Promise<void> {
    return checkCaa(authz.identifier, authz.wildcard, this.#resolver, {
      identities: this.#caaIdentities,
      accountUri,
      method,
    });
  }
}
