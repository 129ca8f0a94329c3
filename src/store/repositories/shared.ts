/** Helpers every repository shares: row values, JSON columns, keyset pagination. */
import type { Knex } from 'knex';
import { CoreError } from '../../core/errors.js';
import type { ListOptions, Page } from '../../core/ports.js';

export type Db = Knex | Knex.Transaction;

/** What a timestamp column reads back as: epoch milliseconds from SQLite, a Date from PostgreSQL. */
export type DbTimestamp = Date | number | string;

export function toDate(value: DbTimestamp): Date {
  return new Date(value);
}

export function toDateOrNull(value: DbTimestamp | null | undefined): Date | null {
  return value == null ? null : new Date(value);
}

export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** The rows of a `knex.raw` result: an array from SQLite, `{ rows }` from PostgreSQL. */
export function rawRows<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as T[];
}

/** COUNT and BIGINT come back as strings from PostgreSQL. */
export function toNumber(value: number | string | bigint): number {
  return Number(value);
}

export const defaultPageSize = 50;
export const maxPageSize = 500;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return defaultPageSize;
  if (!Number.isFinite(limit)) throw new CoreError('invalid_input', 'The page size must be a number');
  return Math.min(maxPageSize, Math.max(1, Math.floor(limit)));
}

interface Cursor {
  at: Date;
  key: string;
}

/** Cursors are base64url JSON of [created_at in ms, key]: opaque to callers, stable across dialects. */
function encodeCursor(at: Date, key: string): string {
  return Buffer.from(JSON.stringify([at.getTime(), key]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isFinite(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { at: new Date(value[0] as number), key: value[1] };
    }
  } catch {
    // fall through
  }
  throw new CoreError('invalid_input', 'The page cursor is malformed');
}

/**
 * One page of `query` in (timeColumn, keyColumn) order, resuming after `options.cursor`. Reads one row
 * more than the page holds to know whether another page follows.
 */
export async function keysetPage<Row extends object, T>(
  query: Knex.QueryBuilder,
  columns: { time: keyof Row & string; key: keyof Row & string },
  options: ListOptions,
  toDomain: (row: Row) => T,
): Promise<Page<T>> {
  const limit = pageSize(options.limit);
  const { time, key } = columns;
  if (options.cursor) {
    const after = decodeCursor(options.cursor);
    query.where((q) =>
      q
        .where(time, '>', after.at)
        .orWhere((same) => same.where(time, '=', after.at).andWhere(key, '>', after.key)),
    );
  }
  const rows = (await query.orderBy([time, key]).limit(limit + 1)) as Row[];
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const next =
    rows.length > limit && last ? encodeCursor(toDate(last[time] as DbTimestamp), String(last[key])) : null;
  return { items: pageRows.map(toDomain), next };
}

/** Insert that reports a unique violation as CoreError('conflict') without failing the statement,
 * so that on PostgreSQL an enclosing transaction stays usable after the conflict. */
export async function insertOrConflict(
  db: Db,
  table: string,
  row: object,
  key: string,
  what: string,
): Promise<void> {
  const inserted = (await db(table).insert(row).onConflict().ignore().returning(key)) as unknown[];
  if (inserted.length === 0) throw new CoreError('conflict', `${what} already exists`);
}

/**
 * Deletes at most `limit` rows of `table` that `filter` selects, by primary key `id`, and returns
 * how many. On PostgreSQL the rows are picked FOR UPDATE SKIP LOCKED, so that instances purging at
 * once take different rows instead of waiting on (or deadlocking over) the same ones.
 */
export async function deleteBatch(
  db: Db,
  table: string,
  filter: (query: Knex.QueryBuilder) => void,
  limit: number,
): Promise<number> {
  const ids = db(table)
    .select('id')
    .modify(filter)
    .limit(Math.max(1, Math.floor(limit)));
  if (db.client.dialect === 'postgresql') ids.forUpdate().skipLocked();
  return db(table).whereIn('id', ids).delete();
}
