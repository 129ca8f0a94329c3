import { describe, expect, it } from 'vitest';
import { normaliseUsername, usernameKey } from '../../../../src/core/console-users/username.js';

describe('console user names', () => {
  it.each([
    ['ok/plain', 'alice', 'alice', 'alice'],
    ['ok/trimmed', '  Bob ', 'Bob', 'bob'],
    ['ok/full-width folds to ASCII (NFKC)', 'ＡＬＩＣＥ', 'ALICE', 'alice'],
    ['ok/composed accents', 'Jose\u0301', 'José', 'josé'],
    ['ok/e-mail style', 'carol@example.test', 'carol@example.test', 'carol@example.test'],
  ])('%s', (_name, input, stored, key) => {
    expect(normaliseUsername(input)).toBe(stored);
    expect(usernameKey(normaliseUsername(input))).toBe(key);
  });

  it.each([
    ['fail/empty', '   '],
    ['fail/space inside', 'a b'],
    ['fail/right-to-left override', 'admin\u202Etxt'],
    ['fail/zero-width space', 'ad\u200Bmin'],
    ['fail/control', 'ad\u0007min'],
    ['fail/line separator', 'ad\u2028min'],
    ['fail/too long', 'a'.repeat(65)],
    ['fail/reserved actor', 'System'],
  ])('%s', (_name, input) => {
    expect(() => normaliseUsername(input)).toThrow(
      expect.objectContaining({ code: 'invalid_input', details: { field: 'username' } }),
    );
  });
});
