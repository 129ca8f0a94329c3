import express, { Router } from 'express';
import type { Core } from '../../core/core.js';
import { jsonErrorBoundary, jsonNotFound } from '../../http/errors.js';
import { actorOf, authenticate, authorize } from './auth.js';
import { requestHandlers } from './requests.js';

/** The admin API's one route table: method, path, permission, handler. */
export function adminApi(core: Core, options: { bodyLimit: string }): Router {
  const requests = requestHandlers(core);
  const router = Router();
  router.use(express.json({ limit: options.bodyLimit }));
  router.use(authenticate(core));

  router.get('/whoami', authorize('self.read'), (_req, res) => {
    const token = res.locals.token;
    res.json({ subject: actorOf(res.locals), role: token?.role, expiresAt: token?.expiresAt ?? null });
  });
  router.get('/profiles', authorize('profiles.read'), async (_req, res) => {
    res.json(await core.store.profiles.list());
  });
  router.get('/requests', authorize('requests.read'), requests.list);
  router.get('/requests/:id', authorize('requests.read'), requests.get);
  router.post('/requests/:id/approve', authorize('requests.decide'), requests.decide('approve'));
  router.post('/requests/:id/reject', authorize('requests.decide'), requests.decide('reject'));
  router.get('/audit/verify', authorize('audit.read'), async (_req, res) => {
    res.json(await core.verifyAuditChain());
  });

  router.use(jsonNotFound);
  router.use(jsonErrorBoundary);
  return router;
}
