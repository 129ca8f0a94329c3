/**
 * The one place driver errors become CoreError. Repositories never catch: `guarded()` wraps every
 * method of a repository object, so nothing but domain objects and CoreError leaves `src/store`.
 */
import { CoreError } from '../core/errors.js';
import type { Dialect } from './db.js';
import { translatePostgresError } from './dialect/postgres.js';
import { translateSqliteError } from './dialect/sqlite.js';

/** The error to throw for `err`: a CoreError for what the core understands, `err` itself otherwise. */
export function translate(dialect: Dialect, err: unknown): unknown {
  if (err instanceof CoreError) return err;
  // Pool exhaustion, or a pool already destroyed: dialect-independent knex errors.
  if (err instanceof Error) {
    if (err.name === 'KnexTimeoutError' || /Unable to acquire a connection/i.test(err.message)) {
      return new CoreError('store_unavailable', undefined, { cause: err });
    }
  }
  return dialect === 'postgres' ? translatePostgresError(err) : translateSqliteError(err);
}

export async function guard<T>(dialect: Dialect, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw translate(dialect, err);
  }
}

/**
 * `target` with every method routed through `guard()`. Each method's wrapper is made once per target
 * and reused: the hot path (several store calls per enrolment) allocates one promise per call, not
 * two closures and two promises.
 */
export function guarded<T extends object>(dialect: Dialect, target: T): T {
  type Method = (...args: unknown[]) => unknown;
  const wrappers = new Map<PropertyKey, { method: Method; wrapper: Method }>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      const cached = wrappers.get(property);
      if (cached?.method === value) return cached.wrapper;
      const method = value as Method;
      const wrapper = async (...args: unknown[]) => {
        try {
          return await method.apply(object, args);
        } catch (err) {
          throw translate(dialect, err);
        }
      };
      wrappers.set(property, { method, wrapper });
      return wrapper;
    },
  });
}
