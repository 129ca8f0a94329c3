/**
 * The console's one way to the API: openapi-fetch typed by the generated schema, the session cookie
 * sent by the browser, and the session's CSRF token on every state-changing call.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';

/** An API answer that is not a success, or no answer at all (code network_error). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const networkErrorCode = 'network_error';

let csrfToken: string | null = null;
const sessionEndListeners = new Set<(error: ApiError) => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an API call answers 401 unauthorized: the session has ended (idle, expired, signed out elsewhere). */
export function onSessionEnd(listener: (error: ApiError) => void): () => void {
  sessionEndListeners.add(listener);
  return () => sessionEndListeners.delete(listener);
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const csrf: Middleware = {
  onRequest({ request }) {
    if (!safeMethods.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
};

export const apiBase = '/api/v1';

export const api = createClient<paths>({ baseUrl: apiBase, credentials: 'same-origin' });
api.use(csrf);

function isErrorBody(value: unknown): value is { code: string; message: string; details?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

export function toApiError(status: number, body: unknown, statusText = ''): ApiError {
  if (isErrorBody(body)) {
    const details =
      typeof body.details === 'object' && body.details !== null
        ? (body.details as Record<string, unknown>)
        : {};
    return new ApiError(status, body.code, body.message, details);
  }
  if (typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string') {
    const code = (body as { code: string }).code;
    return new ApiError(status, code, `The gateway refused the call (${code})`);
  }
  return new ApiError(status, `http_${status}`, `The gateway answered ${status} ${statusText}`.trim());
}

export function networkError(): ApiError {
  return new ApiError(0, networkErrorCode, 'The gateway cannot be reached. Check that it is running.');
}

function settle(status: number, error: ApiError): ApiError {
  if (status === 401 && error.code === 'unauthorized') for (const l of sessionEndListeners) l(error);
  return error;
}

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Awaits an openapi-fetch call: its data, or an ApiError with the API's code and message. */
export async function call<T>(pending: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch {
    throw networkError();
  }
  const { response } = result;
  if (!response.ok) {
    throw settle(response.status, toApiError(response.status, result.error, response.statusText));
  }
  return result.data as T;
}
