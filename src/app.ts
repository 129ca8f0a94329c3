import express, { type Express, type Router } from 'express';
import type { Logger } from 'pino';
import type { CertificateAuthority } from '../ca/types.js';
import { adminApi, type AdminApiOptions } from './admin/api/routes.js';
import { consoleBasePath, consoleRoutes } from './admin/console/serve.js';
import type { Core } from './core/core.js';
import { jsonErrorBoundary, jsonNotFound } from './http/errors.js';
import { healthRoutes } from './http/health.js';
import { pkiRoutes } from './http/pki-routes.js';
import { requestLog } from './http/request-log.js';

export interface AppDeps {
  core: Core;
  ca: CertificateAuthority;
  logger: Logger;
  bodyLimit: string;
  /** The ACME face's router (protocols/acme), mounted at /acme on the HTTPS app. */
  acme?: Router;
  /** The SCEP face's router (protocols/scep, serving /scep/…), mounted on the HTTP app. */
  scep?: Router;
  /** Admin API settings: public URLs (for ACME/SCEP registration answers), P12 key lifetime. */
  admin?: Omit<AdminApiOptions, 'bodyLimit'>;
  /** The built console (default dist/console under the package root), served at /console/. */
  consoleDir?: string;
}

export interface Apps {
  /** Served over TLS: ACME and the admin API (RFC 8555 §6.1 requires HTTPS). */
  https: Express;
  /** Served over plain HTTP: SCEP (RFC 8894 §4.1), CRL and CA certificate downloads. */
  http: Express;
}

function base(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLog(deps.logger));
  app.use(healthRoutes({ ready: () => deps.core.store.ping() }));
  app.use(pkiRoutes(deps.ca));
  return app;
}

/** Builds both Express apps without listening; tests drive them with supertest. */
export function buildApp(deps: AppDeps): Apps {
  const https = base(deps);
  https.use('/api/v1', adminApi(deps.core, { ...deps.admin, bodyLimit: deps.bodyLimit }));
  if (deps.acme) https.use('/acme', deps.acme);
  https.use(consoleBasePath, consoleRoutes({ dir: deps.consoleDir }));
  https.get('/', (_req, res) => res.redirect(302, `${consoleBasePath}/`));
  const http = base(deps);
  if (deps.scep) http.use(deps.scep);
  for (const app of [https, http]) {
    app.use(jsonNotFound);
    app.use(jsonErrorBoundary);
  }
  return { https, http };
}
