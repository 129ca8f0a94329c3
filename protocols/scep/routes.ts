/**
 * The SCEP face's HTTP edge (RFC 8894 §4.1): `/scep/<profile>` with any path suffix devices append
 * (`/cgi-bin/pkiclient.exe`, `/pkiclient.exe`), GET and POST, `?operation=…`. `/scep` alone, or a
 * suffix that names no profile, is the default profile. Errors are plain text, never JSON, and never
 * a 500 for anything a client sent.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Core } from '../../src/core/core.js';
import { isCoreError } from '../../src/core/errors.js';
import { HttpError } from '../../src/http/errors.js';
import { urlGuard } from '../../src/http/input-guard.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { ScepHttpError } from './errors.js';
import type { ScepService } from './service.js';
import { decodeBase64Message, decodePostBody, rawQueryParam } from './transport.js';
import { MAX_MESSAGE_BYTES } from './wire/pki-message.js';

export interface ScepRoutesOptions {
  core: Core;
  service: ScepService;
  /** Name of the profile `/scep` serves. */
  defaultProfile: string;
}

async function resolveProfile(core: Core, name: string | undefined, fallback: string): Promise<Profile> {
  // A device's own suffix on the default URL (`/scep/pkiclient.exe`, `/scep/cgi-bin/…`) means the
  // default profile; any other unknown name is a 404, never a silent enrolment elsewhere.
  const isSuffix = name === undefined || /^(cgi-bin|.+\.(exe|dll))$/i.test(name);
  const byName = name && !isSuffix ? await core.store.profiles.getByName(name) : null;
  const profile = byName ?? (isSuffix ? await core.store.profiles.getByName(fallback) : null);
  if (!profile || !profile.protocols.includes('scep')) {
    throw new ScepHttpError(404, `No SCEP profile "${name ?? fallback}"`);
  }
  return profile;
}

export function scepRoutes(options: ScepRoutesOptions): Router {
  const { core, service } = options;
  const router = Router();
  // The query is left to transport.ts: a GET PKIOperation carries a whole message there.
  router.use('/scep', urlGuard({ query: false }));
  router.use('/scep', express.raw({ type: () => true, limit: MAX_MESSAGE_BYTES * 2 }));

  const handle = async (req: Request, res: Response) => {
    try {
      // RFC 8894 §4.1: every operation is a GET or a POST (HEAD is answered as GET, without a body).
      if (!['GET', 'HEAD', 'POST'].includes(req.method)) {
        res.setHeader('Allow', 'GET, POST');
        throw new ScepHttpError(405, 'SCEP takes GET or POST');
      }
      const first = (req.params as { profile?: string }).profile;
      const profile = await resolveProfile(core, first, options.defaultProfile);
      const operation = rawQueryParam(req.originalUrl, 'operation') ?? '';
      let reply;
      switch (operation) {
        case 'GetCACaps':
          reply = await service.GetCACaps(profile);
          break;
        case 'GetCACert':
          reply = service.GetCACert(profile, { userAgent: req.get('user-agent') });
          break;
        case 'GetNextCACert':
          reply = await service.GetNextCACert();
          break;
        case 'PKIOperation': {
          let der: Uint8Array;
          if (req.method === 'POST') {
            der = decodePostBody(Buffer.isBuffer(req.body) ? req.body : new Uint8Array());
          } else {
            der = decodeBase64Message(rawQueryParam(req.originalUrl, 'message') ?? '');
          }
          reply = await service.PKIOperation(profile, der);
          break;
        }
        default:
          throw new ScepHttpError(400, `Unknown SCEP operation "${operation}"`);
      }
      res.status(200).type(reply.contentType);
      if (reply.vary) res.vary(reply.vary);
      res.send(typeof reply.body === 'string' ? reply.body : Buffer.from(reply.body));
    } catch (err) {
      if (err instanceof ScepHttpError) {
        req.log?.info({ reason: err.message, cause: err.cause }, 'SCEP request refused');
        res.status(err.status).type('text/plain').send(err.message);
      } else if (isCoreError(err, 'store_unavailable')) {
        res.status(503).type('text/plain').send('The store is unavailable; try again');
      } else {
        req.log?.error({ err }, 'SCEP request failed');
        res.status(500).type('text/plain').send('Internal error');
      }
    }
  };

  router.all('/scep', handle);
  router.all('/scep/:profile', handle);
  router.all('/scep/:profile/*suffix', handle);
  // Path and body-parser errors (malformed path, too large, aborted) as plain text too.
  router.use('/scep', (err: unknown, _req: Request, res: Response, next: (err?: unknown) => void) => {
    const status = (err as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const reason =
        err instanceof HttpError
          ? err.message
          : status === 413
            ? 'The request body is too large'
            : 'Bad request';
      res.status(status).type('text/plain').send(reason);
      return;
    }
    next(err);
  });
  return router;
}
