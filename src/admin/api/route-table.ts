/**
 * The admin API's one route table (step-ca's admin router, Fastify's route schemas): each entry names
 * its method, path, permission and the zod schemas of its params, query and body. The Express routes
 * and the OpenAPI document are both generated from these entries, so they cannot drift apart.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import type { Core } from '../../core/core.js';
import type { ApiToken } from '../../core/tokens/token.js';
import { actorOf, authenticate, authorize, type Caller } from './auth.js';
import type { Permission } from './permissions.js';
import { parseInput } from './validate.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** A response that is not JSON: a file download or a JSON-lines stream. */
export class RawBody {
  constructor(
    readonly contentType: string,
    readonly body: Buffer | string | AsyncIterable<string>,
    readonly fileName?: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A JSON answer whose status depends on the outcome (201 issued, 202 pending, 200 dry run). */
export class WithStatus {
  constructor(
    readonly status: number,
    readonly value: unknown,
    /** Extra response headers (the session routes' Set-Cookie). */
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface HandlerContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The authenticated subject (the actor of every audited write); '' on a public route. */
  actor: string;
  /** Who is calling (token or console session); undefined on a public route. */
  caller: Caller | undefined;
  /** The API token, when the call was made with one. */
  token: ApiToken | undefined;
  req: Request;
}

type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteSpec<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: Method;
  /** OpenAPI style: /requests/{id}. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** Null for the public routes (the OpenAPI document itself). */
  permission: Permission | null;
  params?: P;
  query?: Q;
  body?: B;
  /** The success answer: a zod schema of the JSON, or the media types of a raw body. */
  response: { status: number; schema?: z.ZodType; media?: string[]; description?: string };
  /** Other answers this route gives besides the common ones. */
  errors?: number[];
  handler: (ctx: HandlerContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

/** Keeps each entry's handler typed by its own schemas. */
export function route<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

async function send(res: Response, status: number, value: unknown): Promise<void> {
  if (value instanceof WithStatus) {
    for (const [k, v] of Object.entries(value.headers)) res.setHeader(k, v);
    return send(res, value.status, value.value);
  }
  if (!(value instanceof RawBody)) {
    res.status(status).json(value);
    return;
  }
  // attachment() guesses a type from the extension: the declared type is set after it.
  if (value.fileName) res.attachment(value.fileName);
  res.status(status).type(value.contentType);
  res.setHeader('cache-control', 'no-store');
  for (const [k, v] of Object.entries(value.headers)) res.setHeader(k, v);
  if (typeof value.body === 'string' || Buffer.isBuffer(value.body)) {
    res.send(value.body);
    return;
  }
  for await (const chunk of value.body) res.write(chunk);
  res.end();
}

function handle(spec: RouteSpec): RequestHandler {
  return async (req, res) => {
    const ctx = {
      params: spec.params ? parseInput(spec.params, req.params, 'path') : undefined,
      query: spec.query ? parseInput(spec.query, req.query, 'query') : undefined,
      body: spec.body ? parseInput(spec.body, req.body ?? {}, 'body') : undefined,
      actor: res.locals.caller ? actorOf(res.locals) : '',
      caller: res.locals.caller,
      token: res.locals.token,
      req,
    };
    await send(res, spec.response.status, await spec.handler(ctx as HandlerContext<never, never, never>));
  };
}

/**
 * Mounts the table: authentication, then the one permission check, then input validation, then the
 * handler. The order matters for the permission matrix: a role without the permission is refused
 * before anything about the request is looked at.
 */
export function mountRoutes(router: Router, core: Core, table: readonly RouteSpec[]): void {
  const authn = authenticate(core);
  for (const spec of table) {
    const chain: RequestHandler[] = spec.permission ? [authn, authorize(spec.permission)] : [];
    router[spec.method](expressPath(spec.path), ...chain, handle(spec));
  }
}
