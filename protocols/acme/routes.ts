/**
 * The ACME face's one route table (step-ca's named middleware, composed per route): method, path,
 * the JWS rules the request must pass, the handler. Express stays here; rules and handlers work on
 * a plain AcmeContext. Every response links the directory (rel="index"); every response to a POST,
 * errors included, carries a fresh Replay-Nonce (§6.5), and so does newNonce (§7.2); headers are set
 * before the status is written.
 */
import express, { Router, type Request, type Response } from 'express';
import { urlGuard } from '../../src/http/input-guard.js';
import { defaultAcmeSettings, type Profile } from '../../src/core/profiles/profile.js';
import type { AcmeContext, AcmeDeps, AcmeHandler, AcmeResponse } from './context.js';
import { joseContentType } from './jws/content-type.js';
import { flattenedJson } from './jws/flattened.js';
import { replayNonce } from './jws/nonce.js';
import { jsonPayload, optionalPayload, postAsGet } from './jws/payload.js';
import { protectedHeader, requireJwk, requireKid } from './jws/protected-header.js';
import type { JwsRule } from './jws/rule.js';
import { signature } from './jws/signature.js';
import { urlMatches } from './jws/url.js';
import { link, paths } from './links.js';
import { problem, toProblem, type AcmeProblem } from './problems.js';
import { account, orders } from './handlers/account.js';
import { authz, newAuthz } from './handlers/authz.js';
import { certificate } from './handlers/certificate.js';
import { challenge } from './handlers/challenge.js';
import { directory, newNonce } from './handlers/directory.js';
import { finalize } from './handlers/finalize.js';
import { keyChange } from './handlers/key-change.js';
import { newAccount } from './handlers/new-account.js';
import { newOrder } from './handlers/new-order.js';
import { order } from './handlers/order.js';
import { renewalInfo } from './handlers/renewal-info.js';
import { revokeCert } from './handlers/revoke-cert.js';

interface Route {
  method: 'GET' | 'HEAD' | 'POST';
  path: string;
  rules: JwsRule[];
  handler: AcmeHandler;
}

/** The checks every JWS POST passes (§6.2–6.5), in order; `who` is requireJwk, requireKid or nothing (either). */
const jws = (who: JwsRule[]): JwsRule[] => [
  joseContentType,
  flattenedJson,
  protectedHeader,
  ...who,
  urlMatches,
  signature,
  replayNonce,
];

const table: Route[] = [
  { method: 'GET', path: paths.directory, rules: [], handler: directory },
  { method: 'HEAD', path: paths.newNonce, rules: [], handler: newNonce },
  { method: 'GET', path: paths.newNonce, rules: [], handler: newNonce },
  { method: 'GET', path: paths.renewalInfoOf, rules: [], handler: renewalInfo },
  { method: 'POST', path: paths.newAccount, rules: [...jws([requireJwk]), jsonPayload], handler: newAccount },
  { method: 'POST', path: paths.account, rules: [...jws([requireKid]), optionalPayload], handler: account },
  { method: 'POST', path: paths.orders, rules: [...jws([requireKid]), postAsGet], handler: orders },
  { method: 'POST', path: paths.keyChange, rules: [...jws([requireKid]), jsonPayload], handler: keyChange },
  { method: 'POST', path: paths.newOrder, rules: [...jws([requireKid]), jsonPayload], handler: newOrder },
  { method: 'POST', path: paths.newAuthz, rules: [...jws([requireKid]), jsonPayload], handler: newAuthz },
  { method: 'POST', path: paths.order, rules: [...jws([requireKid]), postAsGet], handler: order },
  { method: 'POST', path: paths.finalize, rules: [...jws([requireKid]), jsonPayload], handler: finalize },
  { method: 'POST', path: paths.authz, rules: [...jws([requireKid]), optionalPayload], handler: authz },
  {
    method: 'POST',
    path: paths.challenge,
    rules: [...jws([requireKid]), optionalPayload],
    handler: challenge,
  },
  { method: 'POST', path: paths.certificate, rules: [...jws([requireKid]), postAsGet], handler: certificate },
  {
    method: 'POST',
    path: paths.alternateCertificate,
    rules: [...jws([requireKid]), postAsGet],
    handler: certificate,
  },
  { method: 'POST', path: paths.revokeCert, rules: [...jws([]), jsonPayload], handler: revokeCert },
];

/** Profiles are read on every request; a short cache keeps that off the database on the hot path. */
function profileCache(deps: AcmeDeps, ttlMs = 2000) {
  const cache = new Map<string, { at: number; profile: Profile | null }>();
  return async (name: string): Promise<Profile> => {
    const now = Date.now();
    let hit = cache.get(name);
    if (!hit || now - hit.at > ttlMs) {
      const found = await deps.core.store.profiles.getByName(name);
      hit = {
        at: now,
        profile: found ? { ...found, acme: { ...defaultAcmeSettings(), ...found.acme } } : null,
      };
      if (cache.size > 1000) cache.clear();
      cache.set(name, hit);
    }
    const profile = hit.profile;
    if (!profile || !profile.protocols.includes('acme'))
      throw problem.malformed(`No ACME directory "${name}"`, { status: 404 });
    if (profile.status !== 'active') throw problem.unauthorized(`The profile "${name}" is ${profile.status}`);
    return profile;
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function write(res: Response, out: AcmeResponse): void {
  if (out.replayNonce) res.setHeader('Replay-Nonce', out.replayNonce);
  if (out.location) res.setHeader('Location', out.location);
  if (out.retryAfter !== undefined) res.setHeader('Retry-After', String(out.retryAfter));
  if (out.links?.length) res.append('Link', out.links);
  if (out.text !== undefined) send(res, out.status, out.contentType ?? 'text/plain', out.text);
  else if (out.body !== undefined) send(res, out.status, 'application/json', JSON.stringify(out.body));
  else res.status(out.status).end();
}

/** Writes a body directly: no ETag hashing (ACME responses are never conditional) on the hot path. */
function send(res: Response, status: number, contentType: string, body: string): void {
  res.status(status);
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

function writeProblem(res: Response, p: AcmeProblem): void {
  for (const [name, value] of Object.entries(p.headers)) res.append(name, value);
  send(res, p.status, 'application/problem+json', JSON.stringify(p.toJSON()));
}

/** The ACME router, mounted at /acme on the HTTPS app. */
export function acmeRouter(deps: AcmeDeps, options: { bodyLimit: string }): Router {
  const router = Router();
  const profileOf = profileCache(deps);
  const raw = express.raw({ type: () => true, limit: options.bodyLimit });

  const serve = (route: Route, fixedProfile?: string) => async (req: Request, res: Response) => {
    const name = fixedProfile ?? String(req.params.profile ?? '');
    try {
      const profile = await profileOf(name);
      const ctx: AcmeContext = {
        profile,
        method: req.method,
        url: deps.linker.requestUrl(req.originalUrl),
        params: Object.fromEntries(Object.entries(req.params).map(([k, v]) => [k, String(v)])),
        query: Object.fromEntries(
          Object.entries(req.query).filter((e): e is [string, string] => typeof e[1] === 'string'),
        ),
        contentType: req.headers['content-type'],
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        remoteIp: req.socket.remoteAddress ?? '',
      };
      for (const rule of route.rules) await rule(ctx, deps);
      write(res, await route.handler(ctx, deps));
    } catch (err) {
      const p = toProblem(err);
      if (p.status >= 500) req.log?.error({ err }, 'ACME request failed');
      else req.log?.debug({ problem: p.type, detail: p.message }, 'ACME request refused');
      writeProblem(res, p);
    }
  };

  // Headers first (§7.1): every answer links the directory. §6.5: every answer to a POST, errors
  // included, carries a fresh nonce; other GETs (the directory, renewalInfo) carry none, as clients
  // may cache them and some refuse a directory with one. newNonce adds its own (§7.2).
  router.use((req, res, next) => {
    const first = req.path.split('/')[1] ?? '';
    const name = first === 'directory' || first === '' ? deps.options.defaultProfile : decodeSegment(first);
    if (req.method === 'POST') res.setHeader('Replay-Nonce', deps.nonces.issue());
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Link', link(deps.linker.directory(name), 'index'));
    next();
  });
  router.use(urlGuard());
  const notAllowed = (allowed: string) => (req: Request, res: Response) => {
    res.setHeader('Allow', allowed);
    writeProblem(res, problem.malformed(`Method ${req.method} not allowed; use ${allowed}`, { status: 405 }));
  };
  router.get('/directory', serve(table[0] as Route, deps.options.defaultProfile));
  router.all('/directory', notAllowed('GET'));
  const byPath = new Map<string, Route[]>();
  for (const route of table) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route]);
  for (const [path, routes] of byPath) {
    const full = `/:profile${path}`;
    for (const route of routes) {
      const handler = serve(route);
      if (route.method === 'POST') router.post(full, raw, handler);
      else if (route.method === 'GET') router.get(full, handler);
      else router.head(full, handler);
    }
    // §6.3: reads other than the directory and newNonce are POST-as-GET; any other method is 405.
    router.all(full, notAllowed(routes.map((r) => r.method).join(', ')));
  }
  router.use((_req, res) => {
    writeProblem(res, problem.malformed('No such ACME resource', { status: 404 }));
  });
  // Body-parser failures (too large, bad encoding) end here: still a problem document, never a 500.
  router.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log?.error({ err }, 'ACME request failed');
    writeProblem(res, p);
  });
  return router;
}
