import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CoreError, coreErrorCodes, type CoreErrorCode } from '../core/errors.js';
import { toJsonText } from './json.js';

/** HTTP status of each core error on the JSON faces (admin API, health). */
const statusOf: Record<CoreErrorCode, number> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  invalid_state: 409,
  profile_not_active: 422,
  protocol_not_allowed: 422,
  bad_csr: 400,
  invalid_name: 400,
  key_policy: 422,
  domain_policy: 422,
  self_approval: 403,
  already_decided: 409,
  code_invalid: 403,
  code_expired: 403,
  code_locked: 423,
  code_revoked: 403,
  notifications_not_configured: 409,
  ca_failure: 502,
  store_unavailable: 503,
  unauthorized: 401,
  forbidden: 403,
  invalid_credentials: 401,
  account_locked: 423,
  csrf_token_invalid: 403,
};

/** Codes that only the HTTP layer produces. */
export const httpErrorCodes = {
  route_not_found: { status: 404, message: 'No such endpoint' },
  method_not_allowed: { status: 405, message: 'Method not allowed' },
  payload_too_large: { status: 413, message: 'The request body is too large' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON' },
  malformed_path: { status: 400, message: 'The request path is not valid percent-encoded UTF-8' },
  nul_character: { status: 400, message: 'Text may not contain the NUL character (U+0000)' },
  malformed_request: { status: 400, message: 'The request is not valid HTTP/1.1' },
  request_timeout: { status: 408, message: 'The request was not received in time' },
  unsupported_media_type: { status: 415, message: 'Unsupported Content-Type' },
  header_too_large: { status: 431, message: 'The request head (URL and headers) is too large' },
  internal: { status: 500, message: 'Internal error' },
} as const;

export type HttpErrorCode = keyof typeof httpErrorCodes;

/**
 * A refusal by the HTTP glue itself (path, body encoding, method), before any face looks at the
 * request. Each face renders it in its own wire (JSON error, problem document, plain text).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  /** For http-errors-aware code (body-parser, Express): the message is meant for the client. */
  readonly expose = true;

  constructor(
    readonly code: HttpErrorCode,
    message: string = httpErrorCodes[code].message,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = httpErrorCodes[code].status;
  }
}

export interface JsonError {
  status: number;
  body: { code: string; message: string; details: Record<string, unknown> };
}

/** The one mapping from anything thrown to the JSON error body `{code, message, details}`. */
export function toJsonError(err: unknown): JsonError {
  if (err instanceof CoreError) {
    return {
      status: statusOf[err.code],
      body: { code: err.code, message: err.message, details: err.details },
    };
  }
  if (err instanceof HttpError) {
    return { status: err.status, body: { code: err.code, message: err.message, details: err.details } };
  }
  // The router's own decoding of a path parameter, should a path reach it unchecked.
  if (err instanceof URIError) return fromHttp('malformed_path');
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large') return fromHttp('payload_too_large');
  if (e?.type === 'entity.parse.failed') return fromHttp('malformed_json');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported')
    return fromHttp('unsupported_media_type');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return {
      status: e.status,
      body: { code: 'invalid_input', message: (err as Error).message, details: {} },
    };
  }
  return fromHttp('internal');
}

function fromHttp(code: HttpErrorCode): JsonError {
  const { status, message } = httpErrorCodes[code];
  return { status, body: { code, message, details: {} } };
}

export const jsonNotFound: RequestHandler = (_req, res) => {
  const { status, body } = fromHttp('route_not_found');
  res.status(status).json(body);
};

/** The JSON error boundary: the internal cause goes to the log, never to the client. */
export const jsonErrorBoundary: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const { status, body } = toJsonError(err);
  if (status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.debug({ code: body.code }, 'request refused');
  res.status(status).type('application/json').send(toJsonText(body));
};

export { coreErrorCodes };
