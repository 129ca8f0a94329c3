/**
 * Keyset pagination over any sort column, in either direction: the cursor carries the sort value and
 * the tie-breaking key of the last row, so pages stay stable while rows are added.
 */
import type { Knex } from 'knex';
import { CoreError } from '../../core/errors.js';
import type { Page, SearchOptions, SortOrder } from '../../core/ports.js';
import { pageSize, toDate } from './shared.js';
import type { DbTimestamp } from './shared.js';

export interface SortColumn {
  column: string;
  kind: 'time' | 'text' | 'int';
}

type CursorValue = number | string;

function encode(value: CursorValue, key: string): string {
  return Buffer.from(JSON.stringify([value, key]), 'utf8').toString('base64url');
}

function decode(cursor: string, kind: SortColumn['kind']): { value: unknown; key: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const [raw, key] = parsed as [unknown, string];
      if (kind === 'text' && typeof raw === 'string') return { value: raw, key };
      if (kind === 'int' && Number.isInteger(raw)) return { value: raw, key };
      if (kind === 'time' && Number.isFinite(raw)) return { value: new Date(raw as number), key };
    }
  } catch {
    // fall through
  }
  throw new CoreError('invalid_input', 'The page cursor is malformed', { details: { field: 'cursor' } });
}

function cursorValue(kind: SortColumn['kind'], raw: unknown): CursorValue {
  if (kind === 'time') return toDate(raw as DbTimestamp).getTime();
  if (kind === 'int') return Number(raw);
  return String(raw);
}

/** One page of `query` ordered by `sort` then `key`, resuming after `options.cursor`. */
export async function sortedPage<Row extends Record<string, unknown>, T>(
  query: Knex.QueryBuilder,
  sort: SortColumn,
  key: string,
  options: Pick<SearchOptions<string>, 'cursor' | 'limit' | 'order'>,
  toDomain: (row: Row) => T,
): Promise<Page<T>> {
  const limit = pageSize(options.limit);
  const order: SortOrder = options.order ?? 'asc';
  const op = order === 'asc' ? '>' : '<';
  if (options.cursor) {
    const after = decode(options.cursor, sort.kind);
    query.where((q) =>
      q
        .where(sort.column, op, after.value as Knex.Value)
        .orWhere((same) =>
          same.where(sort.column, '=', after.value as Knex.Value).andWhere(key, op, after.key),
        ),
    );
  }
  const rows = (await query
    .orderBy([
      { column: sort.column, order },
      { column: key, order },
    ])
    .limit(limit + 1)) as Row[];
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const next =
    rows.length > limit && last ? encode(cursorValue(sort.kind, last[sort.column]), String(last[key])) : null;
  return { items: pageRows.map(toDomain), next };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's own wildcards taken literally. */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
