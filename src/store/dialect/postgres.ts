/** node-postgres errors → CoreError, by SQLSTATE (`code`) or, for socket failures, the Node error code. */
import { CoreError } from '../../core/errors.js';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);

/** admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const unavailableStates = new Set(['57P01', '57P02', '57P03', '53300']);

function isUnavailable(err: Error): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (networkCodes.has(code) || unavailableStates.has(code) || code.startsWith('08')) return true;
  }
  // Node 20 reports a failed multi-address connect as an AggregateError of the attempts.
  if (
    err instanceof AggregateError &&
    err.errors.some((inner) => inner instanceof Error && isUnavailable(inner))
  ) {
    return true;
  }
  return /Connection terminated|Client has encountered a connection error|connection timeout/i.test(
    err.message,
  );
}

export function translatePostgresError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const { code, constraint, detail } = err as { code?: unknown; constraint?: unknown; detail?: unknown };
  const details = typeof constraint === 'string' ? { constraint } : {};
  if (code === '23505') {
    return new CoreError('conflict', undefined, { cause: err, details });
  }
  if (code === '23503') {
    const message = typeof detail === 'string' ? `A referenced object does not exist: ${detail}` : undefined;
    return new CoreError('invalid_input', message ?? 'A referenced object does not exist', {
      cause: err,
      details,
    });
  }
  // character_not_in_repertoire (U+0000 in text), untranslatable_character (\u0000 in jsonb): the
  // input, not the database, is at fault. The faces refuse NUL first; this is the safety net.
  if (code === '22021' || code === '22P05') {
    return new CoreError('invalid_input', 'Text may not contain the NUL character (U+0000)', {
      cause: err,
      details: { reason: 'nul_character' },
    });
  }
  // serialization_failure, deadlock_detected: another transaction changed the same rows.
  if (code === '40001' || code === '40P01') {
    return new CoreError('conflict', undefined, { cause: err });
  }
  if (isUnavailable(err)) {
    return new CoreError('store_unavailable', undefined, { cause: err });
  }
  return err;
}
