import { Router } from 'express';

/** /healthz: the process answers. /readyz: it can serve, i.e. the store answers too. */
export function healthRoutes(checks: { ready: () => Promise<void> }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    try {
      await checks.ready();
      res.json({ status: 'ready' });
    } catch (err) {
      req.log?.warn({ err }, 'not ready');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
