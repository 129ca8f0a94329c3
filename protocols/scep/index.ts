/** The SCEP face (RFC 8894) as the composition root sees it. */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Core } from '../../src/core/core.js';
import type { RaCredentials } from './ra.js';
import { scepRoutes } from './routes.js';
import { ScepService } from './service.js';

export type { RaCredentials } from './ra.js';
export { ScepService } from './service.js';

export interface ScepFaceDeps {
  core: Core;
  ra: RaCredentials;
  /** The profile `/scep` (without a profile segment) serves. */
  defaultProfile: string;
  logger?: Logger;
  /** The issuing CA's rollover chain while one is prepared (GetNextCACert), else null. */
  nextCaChainPem?: () => Promise<string[] | null>;
}

export function createScepFace(deps: ScepFaceDeps): { router: Router; service: ScepService } {
  const service = new ScepService({
    core: deps.core,
    ra: deps.ra,
    nextCaChainPem: deps.nextCaChainPem,
    onFailure: (failure, message) =>
      deps.logger?.info(
        {
          transactionID: message.transactionID,
          failInfo: failure.failInfo,
          reason: failure.message,
          cause: failure.cause,
        },
        'SCEP CertRep FAILURE',
      ),
  });
  return { router: scepRoutes({ core: deps.core, service, defaultProfile: deps.defaultProfile }), service };
}
