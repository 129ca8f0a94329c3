/**
 * Characters no name may hold, checked before any policy looks at the name. A control character
 * makes a name compare, display and truncate differently from what policy saw
 * ("www.bank.example\u0000.corp.example.com" passes a suffix rule and reads as www.bank.example in a
 * C string); a bidirectional control makes it display reordered ("moc.elpmaxe" shown the other
 * way round). Refused: Unicode general category Cc (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F)
 * and the Bidi_Control property (U+061C, U+200E–U+200F, embeddings and overrides U+202A–U+202E,
 * isolates U+2066–U+2069; UAX #9 §2).
 */
import { DnSyntaxError, dnAttributes, parseDn } from '../../../ca/pki/names.js';
import { CoreError } from '../errors.js';
import type { ParsedCsr } from '../csr/parse.js';

const forbidden = /[\p{Cc}\p{Bidi_Control}]/u;

/** Where a forbidden character sits in `text`: its 1-based position (in characters) and code point. */
export function findForbiddenCharacter(text: string): { position: number; codePoint: number } | null {
  let position = 0;
  for (const ch of text) {
    position++;
    if (forbidden.test(ch)) return { position, codePoint: ch.codePointAt(0) ?? 0 };
  }
  return null;
}

/**
 * CoreError('invalid_name') naming the field, the code point and its position, never the character
 * itself (it would be logged, shown or stored as it is); null when `text` holds none.
 */
export function nameTextError(field: string, text: string): CoreError | null {
  const found = findForbiddenCharacter(text);
  if (!found) return null;
  const codePoint = `U+${found.codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const kind = /\p{Cc}/u.test(String.fromCodePoint(found.codePoint)) ? 'control' : 'bidirectional control';
  return new CoreError(
    'invalid_name',
    `${field} contains a ${kind} character (${codePoint}) at position ${found.position}`,
    { details: { field, position: found.position, codePoint } },
  );
}

/** Throws {@link nameTextError}'s error when `text` holds a forbidden character. */
export function assertNameText(field: string, text: string): void {
  const error = nameTextError(field, text);
  if (error) throw error;
}

/** Every attribute value of an RFC 4514 subject, as the certificate would carry it (escapes decoded). */
export function assertSubjectText(field: string, subject: string): void {
  let attributes: ReturnType<typeof dnAttributes>;
  try {
    attributes = dnAttributes(parseDn(subject));
  } catch (cause) {
    if (!(cause instanceof DnSyntaxError)) throw cause;
    assertNameText(field, subject);
    throw new CoreError('invalid_input', `${field} is not an RFC 4514 name: ${cause.message}`, {
      details: { field },
      cause,
    });
  }
  for (const { type, text } of attributes) {
    if (text !== undefined) assertNameText(`${field} ${type}`, text);
  }
}

/** The names a certificate request carries in its subject and subjectAltName. */
export function assertCsrNameText(csr: Pick<ParsedCsr, 'subject' | 'dnsNames' | 'emailAddresses'>): void {
  assertSubjectText('The CSR subject', csr.subject);
  csr.dnsNames.forEach((name, i) => assertNameText(`The CSR subjectAltName dNSName ${i + 1}`, name));
  csr.emailAddresses.forEach((name, i) => assertNameText(`The CSR subjectAltName rfc822Name ${i + 1}`, name));
}
