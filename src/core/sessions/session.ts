import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * A console sign-in. The browser holds a random token in a cookie; the store holds only its SHA-256
 * (`tokenHash`), so a copy of the database opens no session. `id` is a separate handle that audit
 * events may name.
 */
export interface ConsoleSession {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute limit (console.sessionMaxHours after sign-in), whatever the activity. */
  expiresAt: Date;
  endedAt: Date | null;
  endReason: SessionEndReason | null;
  clientAddress: string | null;
}

export type SessionEndReason = 'signed-out' | 'idle' | 'expired' | 'user-changed';

/** 256 random bits, base64url: the cookie value. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The session's CSRF token (OWASP "synchronizer token", in its HMAC form): derived from the session
 * token under a fixed label, so nothing more is stored, it dies with the session, and knowing it
 * reveals nothing of the cookie it is bound to.
 */
export function csrfTokenOf(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('egw console csrf v1').digest('base64url');
}
