/**
 * The console's session cookie. HttpOnly (no script reads it), Secure (HTTPS only), SameSite=Strict
 * (a cross-site page never makes the browser send it: the first line of CSRF defence; the
 * X-CSRF-Token check is the second), Path=/ and no Max-Age: it dies with the browser, and the
 * server ends it earlier on idle or absolute timeout (RFC 6265 §4.1).
 */
import type { Request } from 'express';

export const sessionCookieName = 'egw_session';

const attributes = 'HttpOnly; Secure; SameSite=Strict; Path=/';

export function sessionCookie(token: string): string {
  return `${sessionCookieName}=${token}; ${attributes}`;
}

/** Tells the browser to drop the cookie (an Expires in the past, RFC 6265 §3.1). */
export function clearedSessionCookie(): string {
  return `${sessionCookieName}=; ${attributes}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
}

/** The session cookie's value from the Cookie header (RFC 6265 §5.4), or null. */
export function sessionCookieOf(req: Request): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== sessionCookieName) continue;
    const value = pair.slice(eq + 1).trim();
    return value || null;
  }
  return null;
}

/** The peer's address, as the audit log records it (no proxy header is trusted: `trust proxy` is off). */
export function clientAddressOf(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}
