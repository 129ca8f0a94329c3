/**
 * Bindings written into SQL as SQLite literals, for scripts handed to node-sqlite3's `exec` (which
 * takes no parameters). Each value becomes the literal of the storage class node-sqlite3 would have
 * bound it as, so a script stores exactly what a prepared statement would have stored.
 *
 * SQLite's grammar (https://sqlite.org/lang_expr.html#literal_values_constants_): a string literal
 * is quoted with ' and an embedded ' is doubled; there are no backslash escapes. `exec` hands SQLite
 * a C string, so text holding NUL goes as a blob cast to TEXT (the database encoding is UTF-8).
 */

export function sqliteLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    if (value.includes('\0')) return `CAST(X'${Buffer.from(value, 'utf8').toString('hex')}' AS TEXT)`;
    return `'${value.replaceAll("'", "''")}'`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`No SQLite literal for ${value}`);
    return String(value);
  }
  if (typeof value === 'bigint') return value.toString();
  // node-sqlite3 binds booleans as 0/1 and dates as their milliseconds.
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return sqliteLiteral(value.getTime());
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  throw new TypeError(`No SQLite literal for a ${typeof value}`);
}

/**
 * `sql` with each `?` placeholder replaced by the literal of its binding. Placeholders inside quoted
 * strings or identifiers ('…', "…", `…`, […]) are left alone; a count that does not match throws.
 */
export function inlineBindings(sql: string, bindings: readonly unknown[]): string {
  const special = /['"`[?]/g;
  let out = '';
  let from = 0;
  let next = 0;
  for (let match = special.exec(sql); match; match = special.exec(sql)) {
    const at = match.index;
    const c = match[0];
    if (c === '?') {
      if (next >= bindings.length) throw new RangeError('More placeholders than bindings');
      out += sql.slice(from, at) + sqliteLiteral(bindings[next++]);
      from = at + 1;
      continue;
    }
    const end = sql.indexOf(c === '[' ? ']' : c, at + 1);
    if (end < 0) throw new SyntaxError('Unterminated quote in SQL');
    special.lastIndex = end + 1;
  }
  if (next !== bindings.length) throw new RangeError('More bindings than placeholders');
  return out + sql.slice(from);
}
