/**
 * Guards every face puts in front of its routes, so that client input that no store can hold or no
 * decoder can read is refused with a clear 400/415 before any handler or query sees it:
 * - a path segment that is not valid percent-encoded UTF-8 (RFC 3986 §2.1, WHATWG URL), or that
 *   decodes to U+0000;
 * - U+0000 in a query value or anywhere in a JSON body, keys included: PostgreSQL's text and jsonb
 *   types cannot hold it, so on PostgreSQL it would otherwise fail deep in the store;
 * - a body whose declared charset is not UTF-8 (RFC 8259 §8.1: JSON exchanged between systems is
 *   UTF-8; RFC 7515 JWS JSON too).
 * Each face renders the HttpError in its own wire.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

const NUL = '\u0000';

/** The first problem with a raw (still percent-encoded) path, or null. */
export function pathProblem(rawPath: string): HttpError | null {
  for (const segment of rawPath.split('/')) {
    if (!segment.includes('%')) continue;
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return new HttpError('malformed_path', undefined, { segment: segment.slice(0, 100) });
    }
    if (decoded.includes(NUL)) return new HttpError('nul_character', 'The request path contains %00 (NUL)');
  }
  return null;
}

/**
 * Where in `value` (a parsed JSON document or query) a string, or an object key, holds U+0000: a
 * path such as `body.attributes.x`, or null. Iterative, so that a deeply nested body cannot overflow
 * the stack.
 */
export function findNul(value: unknown, root: string): string | null {
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0) {
    const [item, path] = stack.pop() as [unknown, string];
    if (typeof item === 'string') {
      if (item.includes(NUL)) return path;
    } else if (Array.isArray(item)) {
      item.forEach((child, i) => stack.push([child, `${path}.${i}`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (key.includes(NUL)) return path;
        stack.push([child, `${path}.${key}`]);
      }
    }
  }
  return null;
}

/** An HttpError naming where U+0000 is in `value`, or null. */
export function nulProblem(value: unknown, root: string): HttpError | null {
  const at = findNul(value, root);
  return at === null
    ? null
    : new HttpError('nul_character', `${at}: text may not contain the NUL character (U+0000)`, {
        field: at,
      });
}

/**
 * The charset a Content-Type declares (lower case, quotes removed), or null when it declares none.
 * RFC 9110 §8.3.1: parameter names and the charset value are case-insensitive.
 */
export function declaredCharset(contentType: string | undefined): string | null {
  for (const parameter of (contentType ?? '').split(';').slice(1)) {
    const [name, ...rest] = parameter.split('=');
    if (name?.trim().toLowerCase() !== 'charset') continue;
    return rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return null;
}

/** A 415 when the body declares a charset other than UTF-8; none declared means UTF-8. */
export function charsetProblem(contentType: string | undefined): HttpError | null {
  const charset = declaredCharset(contentType);
  if (charset === null || charset === 'utf-8') return null;
  return new HttpError(
    'unsupported_media_type',
    `The body must be UTF-8, not charset=${charset.slice(0, 40)}`,
    {
      charset: charset.slice(0, 40),
    },
  );
}

/** Refuses a malformed path, and (unless `query` is false) U+0000 in the query. */
export function urlGuard(options: { query: boolean } = { query: true }): RequestHandler {
  return (req, _res, next) => {
    next(pathProblem(req.path) ?? (options.query ? nulProblem(req.query, 'query') : null) ?? undefined);
  };
}

/** Before a JSON body parser: a body declaring another charset than UTF-8 is 415. */
export const utf8Body: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  next((hasBody && charsetProblem(req.headers['content-type'])) || undefined);
};

/** After a JSON body parser: U+0000 anywhere in the parsed body is 400. */
export const noNulInBody: RequestHandler = (req, _res, next) => {
  next(nulProblem(req.body, 'body') ?? undefined);
};
