import { createHash, timingSafeEqual } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { ResolvedSession } from './resolve-session.js';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * The CSRF check of a state-changing call made with the session cookie: the header must carry the
 * session's token. Compared in constant time over digests, so neither content nor length leaks.
 */
export function checkCsrf(resolved: Pick<ResolvedSession, 'csrfToken'>, header: string | undefined): void {
  if (!header || !timingSafeEqual(digest(header), digest(resolved.csrfToken))) {
    throw new CoreError('csrf_token_invalid');
  }
}
