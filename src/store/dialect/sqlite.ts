/** node-sqlite3 errors → CoreError. The driver reports the result code in `code` and details in the message. */
import { CoreError } from '../../core/errors.js';

const unavailableCodes = new Set([
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_FULL',
]);

export function translateSqliteError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT') {
    if (/FOREIGN KEY constraint failed/i.test(err.message)) {
      return new CoreError('invalid_input', 'A referenced object does not exist', { cause: err });
    }
    if (/UNIQUE constraint failed|PRIMARY KEY must be unique/i.test(err.message)) {
      const target = /UNIQUE constraint failed: ([\w., ]+)/i.exec(err.message)?.[1];
      return new CoreError('conflict', undefined, {
        cause: err,
        details: target ? { constraint: target.trim() } : {},
      });
    }
    return err;
  }
  if (typeof code === 'string' && unavailableCodes.has(code)) {
    return new CoreError('store_unavailable', undefined, { cause: err });
  }
  if (code === 'SQLITE_MISUSE' && /database is closed/i.test(err.message)) {
    return new CoreError('store_unavailable', undefined, { cause: err });
  }
  return err;
}
