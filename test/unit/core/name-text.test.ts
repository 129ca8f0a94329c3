import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import { assertCsrNameText, assertNameText, assertSubjectText } from '../../../src/core/policy/name-text.js';

function errorOf(fn: () => void): CoreError | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof CoreError) return err;
    throw err;
  }
}

describe('characters refused in names', () => {
  it.each([
    ['fail/NUL', 'www.bank.example\u0000.corp.example.com', 17, 'U+0000', 'control'],
    ['fail/TAB', 'a\tb', 2, 'U+0009', 'control'],
    ['fail/DEL', 'host\u007f', 5, 'U+007F', 'control'],
    ['fail/C1 NEL', '\u0085host', 1, 'U+0085', 'control'],
    ['fail/right-to-left override', 'moc.\u202Eelpmaxe', 5, 'U+202E', 'bidirectional control'],
    ['fail/left-to-right embedding', 'a\u202Ab', 2, 'U+202A', 'bidirectional control'],
    ['fail/first strong isolate', 'a\u2068b', 2, 'U+2068', 'bidirectional control'],
    ['fail/pop directional isolate', 'ab\u2069', 3, 'U+2069', 'bidirectional control'],
    ['fail/right-to-left mark', 'ab\u200F', 3, 'U+200F', 'bidirectional control'],
    ['fail/position counts characters, not UTF-16 units', '😀\u0000', 2, 'U+0000', 'control'],
  ])('%s', (_, text, position, codePoint, kind) => {
    const error = errorOf(() => assertNameText('dnsNames[0]', text));
    expect(error?.code).toBe('invalid_name');
    expect(error?.details).toEqual({ field: 'dnsNames[0]', position, codePoint });
    expect(error?.message).toBe(
      `dnsNames[0] contains a ${kind} character (${codePoint}) at position ${position}`,
    );
    // The character itself is never echoed.
    expect(error?.message).not.toContain(String.fromCodePoint(parseInt(codePoint.slice(2), 16)));
  });

  it.each([
    ['ok/LDH', 'www.corp.example.com'],
    ['ok/U-label letters', 'bücher.example'],
    ['ok/CJK and emoji', '日本語 😀'],
    ['ok/spaces and punctuation', "O'Brien & Sons, Ltd."],
    ['ok/zero-width joiner (not a control)', 'a\u200Db'],
  ])('%s', (_, text) => {
    expect(errorOf(() => assertNameText('field', text))).toBeNull();
  });

  it('When a subject hides a control character in an RFC 4514 escape, Then the decoded attribute is refused', () => {
    const error = errorOf(() => assertSubjectText('subject', 'CN=web\\00.example, O=Acme'));
    expect(error).toMatchObject({
      code: 'invalid_name',
      details: { field: 'subject CN', position: 4, codePoint: 'U+0000' },
    });
    expect(errorOf(() => assertSubjectText('subject', 'O=Evil\u202ECorp'))?.details).toEqual({
      field: 'subject O',
      position: 5,
      codePoint: 'U+202E',
    });
    expect(errorOf(() => assertSubjectText('subject', 'CN=web.example, O=Acme\\, Inc.'))).toBeNull();
    expect(errorOf(() => assertSubjectText('subject', ''))).toBeNull();
  });

  it('When a subject is not RFC 4514, Then invalid_input, unless a control character is the reason', () => {
    expect(errorOf(() => assertSubjectText('subject', 'nonsense'))?.code).toBe('invalid_input');
    expect(errorOf(() => assertSubjectText('subject', 'X\u0000Y=1'))?.code).toBe('invalid_name');
  });

  it('When a CSR carries one in its subject or SAN, Then the field is named', () => {
    const clean = { subject: 'CN=a.example', dnsNames: ['a.example'], emailAddresses: ['ops@a.example'] };
    expect(errorOf(() => assertCsrNameText(clean))).toBeNull();
    expect(
      errorOf(() => assertCsrNameText({ ...clean, subject: 'CN=www.bank.example\\00.corp.example.com' }))
        ?.details,
    ).toMatchObject({ field: 'The CSR subject CN', position: 17 });
    expect(
      errorOf(() => assertCsrNameText({ ...clean, dnsNames: ['a.example', 'b\u0000.example'] }))?.details,
    ).toMatchObject({ field: 'The CSR subjectAltName dNSName 2', position: 2 });
    expect(
      errorOf(() => assertCsrNameText({ ...clean, emailAddresses: ['\u202Eops@a.example'] }))?.details,
    ).toMatchObject({ field: 'The CSR subjectAltName rfc822Name 1', position: 1 });
  });
});
