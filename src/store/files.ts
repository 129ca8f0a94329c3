/**
 * The data directory and the SQLite files hold sealed CA and P12 keys, enrolment code hashes and the
 * audit log: owner-only (0700, 0600) whatever the process umask. Modes are set explicitly after
 * creation, since the mode passed to mkdir or open is only an upper bound the umask may lower, and
 * SQLite creates its database 0644 (SQLITE_DEFAULT_FILE_PERMISSIONS) before the umask.
 */
import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CoreError } from '../core/errors.js';

export const ownerOnlyDirMode = 0o700;
export const ownerOnlyFileMode = 0o600;

/** The permission bits of `path` (0o755 …). */
export function permissionsOf(path: string): number {
  return statSync(path).mode & 0o777;
}

/**
 * Creates `path` (and missing parents) as 0700. An existing directory keeps its mode (an operator
 * may share it on purpose); `created` says which it was, so the caller can warn about an open one.
 */
export function ensurePrivateDirectory(path: string): { created: boolean } {
  const first = mkdirSync(path, { recursive: true, mode: ownerOnlyDirMode });
  if (first === undefined) return { created: false };
  // Every directory mkdir made, from `path` up to the first one it made.
  for (let dir = path; ; dir = dirname(dir)) {
    chmodSync(dir, ownerOnlyDirMode);
    if (dir === first || dirname(dir) === dir) break;
  }
  return { created: true };
}

/**
 * The SQLite database file, created 0600 before SQLite opens it, and it with its WAL and shared-memory
 * files made 0600 when they already exist. SQLite gives the -wal and -shm files it creates later the
 * database file's own mode, so they are owner-only too.
 */
export function preparePrivateSqliteFiles(filename: string): void {
  try {
    closeSync(openSync(filename, 'a', ownerOnlyFileMode));
  } catch {
    // Not a file this process may create or open (a directory, no permission): SQLite's own open
    // fails on it next, and that failure is reported as the store being unavailable.
    return;
  }
  for (const path of [filename, `${filename}-wal`, `${filename}-shm`, `${filename}-journal`]) {
    try {
      chmodSync(path, ownerOnlyFileMode);
    } catch (err) {
      // Absent (not created yet) is fine; a file of another owner is for the operator to fix.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CoreError(
        'store_unavailable',
        `Cannot make ${path} readable by its owner only: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }
}
