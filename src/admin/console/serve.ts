/**
 * Serves the built web console (dist/console, made by `vite build`) under /console/ on the HTTPS
 * listener, the same origin as /api/v1, so the session cookie and the API need no CORS.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';

export const consoleBasePath = '/console';

/**
 * Everything the console loads comes from this origin: no CDN, no web fonts, no inline script or
 * style, and no page may frame it (clickjacking of the approve button).
 */
export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The package root (the folder with package.json), from src/ or from dist/src/ alike. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the console module');
    dir = parent;
  }
  return dir;
}

export function defaultConsoleDir(): string {
  return join(packageRoot(), 'dist', 'console');
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('content-security-policy', consoleContentSecurityPolicy);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  next();
};

/**
 * The console router, mounted at /console. Vite names every file under assets/ by its content hash,
 * so those may be cached for a year; index.html names the current hashes and must be revalidated on
 * every load, or a browser keeps running an old console after an upgrade. Any other GET is a client
 * route (/console/requests/…) and gets index.html, whose script then renders that route.
 */
export function consoleRoutes(options: { dir?: string } = {}): Router {
  const dir = resolve(options.dir ?? defaultConsoleDir());
  const index = join(dir, 'index.html');
  const router = Router();
  router.use(securityHeaders);
  router.use((req, res, next) => {
    // /console without the slash: relative client routes need the trailing one.
    if (req.originalUrl === consoleBasePath) return res.redirect(301, `${consoleBasePath}/`);
    next();
  });
  router.use(
    '/assets',
    express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }),
    // A missing hashed file is an old page asking for a replaced build: a 404, never index.html.
    (_req: Request, res: Response) => void res.status(404).type('text/plain').send('No such console file\n'),
  );
  router.use(
    express.static(dir, {
      index: false,
      setHeaders: (res) => res.setHeader('cache-control', 'no-cache'),
    }),
  );
  router.get('/{*path}', (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The console is not built: run `npm run build`.\n');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
