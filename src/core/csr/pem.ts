/**
 * PEM armour for certificate requests (RFC 7468 §7: "CERTIFICATE REQUEST", and the older "NEW
 * CERTIFICATE REQUEST" that Microsoft and some SCEP clients still write). Decoding is strict about
 * the payload, lenient about line breaks and about text around the block (§2 allows it).
 */
import { CoreError } from '../errors.js';

/** Labels accepted for a PKCS#10 request. */
export const CSR_PEM_LABELS = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'] as const;

/**
 * True when bytes hold PEM text rather than DER. A DER request starts with a SEQUENCE tag (0x30);
 * PEM may start with whitespace or explanatory text (RFC 7468 §2), then has the BEGIN line.
 */
export function looksLikePem(bytes: Uint8Array): boolean {
  return (
    bytes[0] !== 0x30 && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('-----BEGIN')
  );
}

/**
 * Decodes the single PEM block of a certificate request. Throws CoreError('bad_csr') for no block,
 * several blocks, another label, a missing END line or a payload that is not base64.
 */
export function decodeCsrPem(text: string): Uint8Array {
  const begins = [...text.matchAll(/-----BEGIN ([^\r\n]*?)-----/g)];
  const first = begins[0];
  if (!first) {
    throw new CoreError('bad_csr', 'The CSR is neither DER nor PEM: no "-----BEGIN" line');
  }
  if (begins.length > 1) {
    throw new CoreError(
      'bad_csr',
      'The PEM input holds more than one block; send exactly one certificate request',
    );
  }
  const label = first[1] ?? '';
  if (!(CSR_PEM_LABELS as readonly string[]).includes(label)) {
    throw new CoreError('bad_csr', `The PEM block is a "${label}", not a "CERTIFICATE REQUEST"`);
  }
  const bodyStart = first.index + first[0].length;
  const endLine = `-----END ${label}-----`;
  const bodyEnd = text.indexOf(endLine, bodyStart);
  if (bodyEnd < 0) {
    throw new CoreError('bad_csr', `The PEM block has no "${endLine}" line`);
  }
  const body = text.slice(bodyStart, bodyEnd).replace(/\s+/g, '');
  if (body === '' || body.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    throw new CoreError('bad_csr', 'The PEM block does not contain valid base64');
  }
  return new Uint8Array(Buffer.from(body, 'base64'));
}
