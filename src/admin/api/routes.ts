import express, { Router } from 'express';
import type { Core } from '../../core/core.js';
import { jsonErrorBoundary, jsonNotFound } from '../../http/errors.js';
import { assetRoutes, type AdminUrls } from './assets.js';
import { auditRoutes } from './audit.js';
import { certificateRoutes } from './certificates.js';
import { codeRoutes } from './codes.js';
import { consoleUserRoutes } from './console-users.js';
import { enrollmentRoutes } from './enrollments.js';
import { notificationRoutes } from './notifications.js';
import { openApiDocument } from './openapi.js';
import { profileRoutes } from './profiles.js';
import { requestRoutes } from './requests.js';
import { sessionRoutes } from './session.js';
import { queueActionRoutes } from './queue-actions.js';
import { downloadRoutes } from './downloads.js';
import { mountRoutes, route, type RouteSpec } from './route-table.js';
import { tokenRoutes } from './tokens.js';
import { z } from 'zod';

export interface AdminApiOptions {
  bodyLimit: string;
  /** Public base URLs: ACME directories and the API on HTTPS, SCEP on HTTP. */
  urls?: AdminUrls;
  /** How long a P12 key waits for its download once issuable (default one hour). */
  p12KeyTtlMs?: number;
}

export const apiBasePath = '/api/v1';

/** Every admin route, in one table: the Express router and the OpenAPI document are built from it. */
export function adminRouteTable(core: Core, options: AdminApiOptions): RouteSpec[] {
  const urls = options.urls ?? { https: 'https://localhost:8443', http: 'http://localhost:8080' };
  const table: RouteSpec[] = [
    ...sessionRoutes(core),
    ...tokenRoutes(core),
    ...consoleUserRoutes(core),
    ...profileRoutes(core),
    ...assetRoutes(core, urls),
    ...enrollmentRoutes(core, { p12KeyTtlMs: options.p12KeyTtlMs ?? 3_600_000, basePath: apiBasePath }),
    ...requestRoutes(core),
    ...queueActionRoutes(core, { basePath: apiBasePath }),
    ...downloadRoutes(core),
    ...codeRoutes(core, urls),
    ...certificateRoutes(core),
    ...auditRoutes(core),
    ...notificationRoutes(core),
  ];
  let document: unknown = null;
  table.push(
    route({
      method: 'get',
      path: '/openapi.json',
      operationId: 'openApi',
      summary: 'This document (OpenAPI 3.1)',
      tag: 'meta',
      permission: null,
      response: { status: 200, schema: z.record(z.string(), z.unknown()) },
      handler: async () =>
        (document ??= openApiDocument(table, { version: '1', serverUrl: `${urls.https}${apiBasePath}` })),
    }),
  );
  return table;
}

export function adminApi(core: Core, options: AdminApiOptions): Router {
  const router = Router();
  // Answers can carry secrets shown once (tokens, P12 passwords, codes): no cache may keep them.
  router.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  router.use(express.json({ limit: options.bodyLimit }));
  mountRoutes(router, core, adminRouteTable(core, options));
  router.use(jsonNotFound);
  router.use(jsonErrorBoundary);
  return router;
}
