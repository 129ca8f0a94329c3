/**
 * Distinguished names as RFC 4514 strings, both ways: CSR and certificate subjects are reported as
 * strings, and templates and buildCsr take one. Output is stable ("CN=foo, O=Bar": most specific RDN first,
 * as §2.1 orders it, joined by ", "), and parsing accepts that output as well as strict RFC 4514.
 *
 * Shared by the core (CSR subjects) and the local CA (certificate subjects), so that the subject the
 * core reports is the subject the CA writes.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import { readTlv } from './der-read.js';

type ValueEncoding = 'utf8' | 'printable' | 'ia5';

/**
 * Known attribute types. Encodings follow RFC 5280 Appendix A: countryName, serialNumber and
 * dnQualifier are PrintableString; emailAddress and domainComponent are IA5String; the rest are
 * DirectoryString, for which §4.1.2.4 says new certificates use UTF8String.
 */
type AttributeType = readonly [keyword: string, oid: string, encoding: ValueEncoding, aliases?: string];

const ATTRIBUTE_TYPES: readonly AttributeType[] = [
  ['CN', '2.5.4.3', 'utf8', 'commonName'],
  ['SN', '2.5.4.4', 'utf8', 'surname'],
  ['serialNumber', '2.5.4.5', 'printable'],
  ['C', '2.5.4.6', 'printable', 'countryName'],
  ['L', '2.5.4.7', 'utf8', 'localityName'],
  ['ST', '2.5.4.8', 'utf8', 'S stateOrProvinceName'],
  ['STREET', '2.5.4.9', 'utf8', 'streetAddress'],
  ['O', '2.5.4.10', 'utf8', 'organizationName'],
  ['OU', '2.5.4.11', 'utf8', 'organizationalUnitName'],
  ['title', '2.5.4.12', 'utf8'],
  ['postalCode', '2.5.4.17', 'utf8'],
  ['GN', '2.5.4.42', 'utf8', 'givenName'],
  ['initials', '2.5.4.43', 'utf8'],
  ['generationQualifier', '2.5.4.44', 'utf8'],
  ['dnQualifier', '2.5.4.46', 'printable'],
  ['pseudonym', '2.5.4.65', 'utf8'],
  ['organizationIdentifier', '2.5.4.97', 'utf8'],
  ['DC', '0.9.2342.19200300.100.1.25', 'ia5', 'domainComponent'],
  ['UID', '0.9.2342.19200300.100.1.1', 'utf8', 'userId'],
  ['E', '1.2.840.113549.1.9.1', 'ia5', 'emailAddress email'],
];

/** Keywords and aliases (case-insensitive, as LDAP descriptors are) to attribute types. */
const BY_KEYWORD = new Map(
  ATTRIBUTE_TYPES.flatMap((t) =>
    [t[0], ...(t[3]?.split(' ') ?? [])].map((k) => [k.toUpperCase(), t] as const),
  ),
);
const BY_OID = new Map(ATTRIBUTE_TYPES.map((t) => [t[1], t]));

/** Thrown for a DN string that is not RFC 4514 (or uses an attribute type we cannot name). */
export class DnSyntaxError extends Error {
  override readonly name = 'DnSyntaxError';
}

/** Characters RFC 4514 §2.4 requires to be escaped anywhere in a value. */
const SPECIALS = '"+,;<>\\';

/** Formats a Name as an RFC 4514 string; the empty Name gives "". */
export function formatDn(name: Name): string {
  return [...name]
    .reverse()
    .map((rdn) => [...rdn].map(formatAttribute).join('+'))
    .join(', ');
}

function formatAttribute(atv: AttributeTypeAndValue): string {
  const known = BY_OID.get(atv.type);
  const text = stringValue(atv.value);
  if (known && text !== undefined) {
    return `${known[0]}=${escapeDnValue(text)}`;
  }
  // §2.4: types without a keyword, and values that are not strings, are written as '#' and the
  // hex of the value's BER (here DER) encoding.
  return `${known?.[0] ?? atv.type}=#${Buffer.from(AsnConvert.serialize(atv.value)).toString('hex')}`;
}

/** String types outside DirectoryString that encoders still put in names; read octet for octet. */
const OTHER_STRING_TAGS = new Set([0x12, 0x15, 0x19, 0x1a, 0x1b]);

/**
 * Each attribute of a Name in encoded order, with its keyword (or OID) and its text: the decoded
 * string of any string type, whatever the attribute type, so that a caller can inspect what a
 * relying party would display; undefined for a value that is not a string.
 */
export function dnAttributes(name: Name): { type: string; text: string | undefined }[] {
  return [...name].flatMap((rdn) =>
    [...rdn].map((atv) => ({
      type: BY_OID.get(atv.type)?.[0] ?? atv.type,
      text: stringValue(atv.value) ?? otherStringValue(atv.value),
    })),
  );
}

function otherStringValue(value: AttributeValue): string | undefined {
  if (!value.anyValue) return undefined;
  const der = new Uint8Array(value.anyValue);
  if (!OTHER_STRING_TAGS.has(der[0] ?? 0)) return undefined;
  try {
    const tlv = readTlv(der);
    return Buffer.from(der.subarray(tlv.contentStart, tlv.end)).toString('latin1');
  } catch {
    return undefined;
  }
}

function stringValue(value: AttributeValue): string | undefined {
  return (
    value.utf8String ??
    value.printableString ??
    value.ia5String ??
    value.bmpString ??
    value.universalString ??
    value.teletexString
  );
}

/** Escapes a single attribute value for use in an RFC 4514 string (§2.4). */
export function escapeDnValue(value: string): string {
  const chars = Array.from(value);
  return chars
    .map((ch, index) => {
      const code = ch.codePointAt(0) ?? 0;
      if (SPECIALS.includes(ch)) return `\\${ch}`;
      if (ch === ' ' && (index === 0 || index === chars.length - 1)) return '\\ ';
      if (ch === '#' && index === 0) return '\\#';
      if (code < 0x20 || code === 0x7f) return `\\${code.toString(16).padStart(2, '0')}`;
      return ch;
    })
    .join('');
}

/**
 * Parses an RFC 4514 string into a Name, reversing the RDN order back to the encoded order (§2.1).
 * Spaces around "," "+" and "=" are ignored (so ", " separators work); escapes are `\<special>` and
 * `\<hex><hex>` (UTF-8 octets); `#<hex>` values are DER AttributeValues. Throws {@link DnSyntaxError}.
 */
export function parseDn(text: string): Name {
  const rdns: RelativeDistinguishedName[] = [];
  if (text.trim() === '') {
    return new Name();
  }
  let components: AttributeTypeAndValue[] = [];
  let i = 0;
  for (;;) {
    const eq = text.indexOf('=', i);
    if (eq < 0) {
      throw new DnSyntaxError(`missing "=" in ${JSON.stringify(text.slice(i).trim())}`);
    }
    const [oid, encoding] = resolveType(text.slice(i, eq).trim());
    const parsed = readValue(text, eq + 1);
    components.push(
      new AttributeTypeAndValue({ type: oid, value: parsed.hex ?? makeValue(oid, encoding, parsed.text) }),
    );
    i = parsed.end;
    if (i >= text.length || text[i] === ',') {
      rdns.push(makeRdn(components));
      components = [];
    }
    if (i >= text.length) {
      break;
    }
    i += 1;
  }
  return new Name(rdns.reverse());
}

function resolveType(type: string): [oid: string, encoding: ValueEncoding | null] {
  if (/^\d+(\.\d+)+$/.test(type)) {
    const known = BY_OID.get(type);
    return [type, known ? known[2] : null];
  }
  const known = BY_KEYWORD.get(type.toUpperCase());
  if (!known) {
    throw new DnSyntaxError(`unknown attribute type ${JSON.stringify(type)}`);
  }
  return [known[1], known[2]];
}

function readValue(text: string, start: number): { text: string; hex?: AttributeValue; end: number } {
  let i = start;
  while (text[i] === ' ') i += 1;
  if (text[i] === '#') {
    let end = i + 1;
    while (end < text.length && text[end] !== ',' && text[end] !== '+') end += 1;
    return { text: '', hex: parseHexValue(text.slice(i + 1, end).trim()), end };
  }
  const bytes: number[] = [];
  let keep = 0; // octets up to the last character that is not an unescaped space
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === ',' || ch === '+') break;
    if (ch === '\\') {
      const pair = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(parseInt(pair, 16));
        i += 3;
      } else if (i + 1 < text.length && `${SPECIALS} #=`.includes(text[i + 1] as string)) {
        bytes.push((text[i + 1] as string).charCodeAt(0));
        i += 2;
      } else {
        throw new DnSyntaxError(`invalid escape at position ${i} of ${JSON.stringify(text)}`);
      }
      keep = bytes.length;
      continue;
    }
    if ('";<>'.includes(ch)) {
      throw new DnSyntaxError(
        `unescaped ${JSON.stringify(ch)} in ${JSON.stringify(text)}: escape it with "\\"`,
      );
    }
    const codePoint = text.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(codePoint);
    bytes.push(...Buffer.from(char, 'utf8'));
    if (ch !== ' ') keep = bytes.length;
    i += char.length;
  }
  let value: string;
  try {
    value = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes.slice(0, keep)));
  } catch {
    throw new DnSyntaxError(`escaped octets are not valid UTF-8 in ${JSON.stringify(text)}`);
  }
  return { text: value, end: i };
}

function parseHexValue(hex: string): AttributeValue {
  if (!/^([0-9a-fA-F]{2})+$/.test(hex)) {
    throw new DnSyntaxError(`invalid #hex value "#${hex}"`);
  }
  const der = Buffer.from(hex, 'hex');
  try {
    const value = AsnConvert.parse(der, AttributeValue);
    // Re-encoding must give back the input: rejects trailing octets and non-DER forms.
    if (Buffer.from(AsnConvert.serialize(value)).equals(der)) {
      return value;
    }
  } catch {
    // fall through to the error below
  }
  throw new DnSyntaxError(`"#${hex}" is not a DER encoded attribute value`);
}

function makeValue(oid: string, encoding: ValueEncoding | null, value: string): AttributeValue {
  const label = BY_OID.get(oid)?.[0] ?? oid;
  if (value === '') {
    throw new DnSyntaxError(`empty value for ${label}: X.520 values have at least one character`);
  }
  if (encoding === 'printable') {
    // X.680 §41.4: PrintableString's repertoire.
    if (!/^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value)) {
      throw new DnSyntaxError(
        `${label} must contain only PrintableString characters: ${JSON.stringify(value)}`,
      );
    }
    if (oid === '2.5.4.6' && !/^[A-Za-z]{2}$/.test(value)) {
      throw new DnSyntaxError(`C must be a two-letter ISO 3166 code: ${JSON.stringify(value)}`);
    }
    return new AttributeValue({ printableString: value });
  }
  if (encoding === 'ia5') {
    if (!/^[\x20-\x7e]+$/.test(value)) {
      throw new DnSyntaxError(`${label} must be ASCII (IA5String): ${JSON.stringify(value)}`);
    }
    return new AttributeValue({ ia5String: value });
  }
  return new AttributeValue({ utf8String: value });
}

/**
 * A SET OF in DER is sorted by the encodings of its elements (X.690 §11.6). Plain octet order is
 * that order here: two TLVs with different lengths differ before the shorter one ends.
 */
function makeRdn(components: AttributeTypeAndValue[]): RelativeDistinguishedName {
  const encoded = components.map((c) => ({ c, der: Buffer.from(AsnConvert.serialize(c)) }));
  encoded.sort((a, b) => Buffer.compare(a.der, b.der));
  return new RelativeDistinguishedName(encoded.map((e) => e.c));
}
