/**
 * The ACME face assembled from its parts: what src/main.ts (and the tests) call. Dependencies come
 * in explicitly; nothing here reads configuration or touches the store implementation.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Core } from '../../src/core/core.js';
import { ChallengeValidator, type ChallengeCheck, type ValidatorOptions } from './challenges/validator.js';
import { createResolver, type DnsResolver } from './challenges/resolver.js';
import type { AcmeDeps, AcmeOptions } from './context.js';
import { AccountCache } from './jws/account-cache.js';
import { Linker } from './links.js';
import { NonceService } from './nonce.js';
import { RateLimiter, type RateLimits } from './rate-limit.js';
import { AcmeRetention } from './retention.js';
import { acmeRouter } from './routes.js';
import type { AcmeStore, ChallengeType } from './store.js';

export interface AcmeFaceInput {
  core: Core;
  store: AcmeStore;
  /** HMAC key of the nonces; every instance sharing the database must use the same (deriveKeys().nonceKey). */
  nonceKey: Buffer;
  /** The HTTPS base URL clients use. */
  publicUrl: string;
  logger: Logger;
  options: AcmeOptions;
  validation: Omit<ValidatorOptions, 'resolver'> & { dnsResolver: string | null };
  /** A resolver instead of one built from dnsResolver (tests). */
  resolver?: DnsResolver;
  /** Replacement checks per challenge type (tests). */
  checks?: Partial<Record<ChallengeType, ChallengeCheck>>;
  bodyLimit: string;
  /** Per-instance rate limits; omitted or 0: off. */
  rateLimits?: RateLimits;
  /** Days abandoned orders and expired authorizations are kept (retention.ts); omitted: no purge timer. */
  retention?: { orderDays: number };
}

export interface AcmeFace {
  router: Router;
  deps: AcmeDeps;
  /** Stops housekeeping and lets validations in flight finish, before the store closes. */
  stop(): Promise<void>;
}

export function createAcmeFace(input: AcmeFaceInput): AcmeFace {
  const { dnsResolver, ...validation } = input.validation;
  const rateLimiter = new RateLimiter(
    input.rateLimits ?? {
      newAccountsPerIpPerHour: 0,
      newOrdersPerAccountPerHour: 0,
      failedValidationsPerAccountPerHour: 0,
    },
    input.store.rateCounts,
    input.core.clock,
  );
  const validator = new ChallengeValidator({
    store: input.store,
    clock: input.core.clock,
    logger: input.logger,
    options: {
      ...validation,
      resolver: input.resolver ?? createResolver(dnsResolver),
      caaIdentities: input.options.caaIdentities,
    },
    checks: input.checks,
    onFailure: (accountId) => rateLimiter.recordFailure(accountId),
  });
  const nonces = new NonceService({ key: input.nonceKey, repo: input.store.nonces, clock: input.core.clock });
  const purging = [nonces.startPurging(), rateLimiter.startPurging()];
  if (input.retention) {
    const retention = new AcmeRetention({
      store: input.store,
      clock: input.core.clock,
      options: {
        orderDays: input.retention.orderDays,
        orderLifetimeSeconds: input.options.orderLifetimeSeconds,
      },
    });
    purging.push(
      retention.start(10 * 60_000, (err) =>
        input.logger.error({ err }, 'purging abandoned ACME orders failed'),
      ),
    );
  }
  const deps: AcmeDeps = {
    core: input.core,
    store: input.store,
    linker: new Linker(input.publicUrl),
    nonces,
    accounts: new AccountCache(input.store.accounts),
    validator,
    rateLimiter,
    options: input.options,
    logger: input.logger,
  };
  return {
    router: acmeRouter(deps, { bodyLimit: input.bodyLimit }),
    deps,
    stop: async () => {
      for (const p of purging) p.stop();
      await validator.idle();
    },
  };
}

export type { AcmeOptions } from './context.js';
export { problemWire } from './problems.js';
