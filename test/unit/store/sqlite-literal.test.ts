/** SQLite literals for exec'd scripts: each binding as the value node-sqlite3 would have bound. */
import { describe, expect, it } from 'vitest';
import { inlineBindings, sqliteLiteral } from '../../../src/store/dialect/sqlite-literal.js';

describe('sqliteLiteral', () => {
  it('quotes text by doubling quotes, with no backslash escapes (SQLite has none)', () => {
    expect(sqliteLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqliteLiteral("\\'; DROP TABLE x; --")).toBe("'\\''; DROP TABLE x; --'");
    expect(sqliteLiteral('')).toBe("''");
  });

  it('writes text holding NUL as a UTF-8 blob cast to text, since exec stops at NUL', () => {
    expect(sqliteLiteral('a\0é')).toBe("CAST(X'6100c3a9' AS TEXT)");
  });

  it('binds numbers, booleans, dates and bytes as node-sqlite3 does', () => {
    expect(sqliteLiteral(42)).toBe('42');
    expect(sqliteLiteral(-1.5)).toBe('-1.5');
    expect(sqliteLiteral(12n)).toBe('12');
    expect(sqliteLiteral(true)).toBe('1');
    expect(sqliteLiteral(false)).toBe('0');
    expect(sqliteLiteral(new Date(1_700_000_000_123))).toBe('1700000000123');
    expect(sqliteLiteral(Buffer.from([0, 255]))).toBe("X'00ff'");
    expect(sqliteLiteral(null)).toBe('NULL');
    expect(sqliteLiteral(undefined)).toBe('NULL');
  });

  it('refuses values with no literal', () => {
    expect(() => sqliteLiteral(Number.NaN)).toThrow(TypeError);
    expect(() => sqliteLiteral(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => sqliteLiteral({ a: 1 })).toThrow(TypeError);
  });
});

describe('inlineBindings', () => {
  it('replaces placeholders in order and leaves quoted ones alone', () => {
    expect(inlineBindings("insert into `t?` (\"a?\", [b?]) values (?, '?', ?, 'it''s ?')", ["x'y", 2])).toBe(
      "insert into `t?` (\"a?\", [b?]) values ('x''y', '?', 2, 'it''s ?')",
    );
  });

  it('refuses a placeholder count that does not match the bindings', () => {
    expect(() => inlineBindings('values (?, ?)', [1])).toThrow(RangeError);
    expect(() => inlineBindings('values (?)', [1, 2])).toThrow(RangeError);
    expect(() => inlineBindings("values ('?)", [])).toThrow(SyntaxError);
  });
});
