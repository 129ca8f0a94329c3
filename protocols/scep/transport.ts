/**
 * SCEP over HTTP (RFC 8894 §4.1): `operation` and `message` in the query for GET, the binary
 * pkiMessage as the body for POST. Real clients encode GET messages every which way, so decoding is
 * tolerant: standard and URL-safe base64 alphabets, line breaks (raw or `%0A`, Cisco), spaces where a
 * `+` was not escaped (macOS, EJBCA's fix), and missing padding.
 */
import { httpError } from './errors.js';
import { MAX_MESSAGE_BYTES } from './wire/pki-message.js';

export const contentTypes = {
  caps: 'text/plain',
  caCert: 'application/x-x509-ca-cert',
  caRaCert: 'application/x-x509-ca-ra-cert',
  nextCaCert: 'application/x-x509-next-ca-cert',
  pkiMessage: 'application/x-pki-message',
} as const;

/** The raw value of `name` in a query string, percent-decoded but with `+` kept as `+`. */
export function rawQueryParam(url: string, name: string): string | null {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    if (safeDecode(key) !== name) continue;
    return safeDecode(eq === -1 ? '' : pair.slice(eq + 1));
  }
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray '%' (unescaped by the client): decode what can be decoded.
    return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** Decodes a GET `message` (or a base64 POST body) into DER; HTTP 400 when it is not base64 at all. */
export function decodeBase64Message(text: string): Uint8Array {
  const cleaned = text
    .replace(/ /g, '+')
    .replace(/[\r\n\t]/g, '')
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .replace(/=+$/, '');
  if (cleaned.length === 0) throw httpError('The message parameter is empty');
  if (!/^[A-Za-z0-9+/]+$/.test(cleaned)) throw httpError('The message parameter is not base64');
  if (cleaned.length % 4 === 1) throw httpError('The message parameter is truncated base64');
  if ((cleaned.length * 3) / 4 > MAX_MESSAGE_BYTES) throw httpError('The message is too large');
  return new Uint8Array(Buffer.from(cleaned, 'base64'));
}

/**
 * A POST body: binary DER as RFC 8894 says, or base64 text as some older clients send (a DER
 * pkiMessage always starts with 0x30, which is '0' in text and never starts base64 of a SEQUENCE).
 */
export function decodePostBody(body: Uint8Array): Uint8Array {
  if (body.length === 0) throw httpError('The request body is empty');
  if (body[0] === 0x30) return body;
  return decodeBase64Message(Buffer.from(body).toString('latin1'));
}
