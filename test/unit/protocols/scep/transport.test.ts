/** Tolerant GET decoding (RFC 8894 §4.1 plus what Cisco, macOS and scepclient really send). */
import { describe, expect, it } from 'vitest';
import { ScepHttpError } from '../../../../protocols/scep/errors.js';
import { decodeBase64Message, decodePostBody, rawQueryParam } from '../../../../protocols/scep/transport.js';

const der = Buffer.from([0x30, 0x82, 0x01, 0xfb, 0xfe, 0xff, 0x3e, 0x3f, 0x00, 0x7f]);
const std = der.toString('base64'); // contains + and / and padding

describe('decodeBase64Message', () => {
  it.each([
    ['standard', std],
    ['URL-safe (scepclient 2.1.0)', der.toString('base64url')],
    ['spaces for + (macOS, unescaped +)', std.replace(/\+/g, ' ')],
    ['line breaks (Cisco %0A after decoding)', `${std.slice(0, 4)}\n${std.slice(4, 8)}\r\n${std.slice(8)}\n`],
    ['missing padding', std.replace(/=+$/, '')],
  ])('ok/%s', (_name, text) => {
    expect(Buffer.from(decodeBase64Message(text))).toEqual(der);
  });

  it.each([
    ['empty', ''],
    ['not base64', 'MIIB$%^&'],
    ['truncated to one char of a quantum', 'MIIBa'],
    ['only padding', '===='],
  ])('fail/%s → HTTP 400', (_name, text) => {
    expect(() => decodeBase64Message(text)).toThrow(ScepHttpError);
  });
});

describe('rawQueryParam', () => {
  it('keeps + as + (URLSearchParams would make it a space) and decodes %0A and %2B', () => {
    expect(rawQueryParam('/scep/p?operation=PKIOperation&message=ab+c%2Bd%0Ae', 'message')).toBe('ab+c+d\ne');
    expect(rawQueryParam('/scep/p?operation=GetCACaps', 'operation')).toBe('GetCACaps');
    expect(rawQueryParam('/scep/p?operation=GetCACaps', 'message')).toBeNull();
    expect(rawQueryParam('/scep/p', 'operation')).toBeNull();
  });

  it('survives a stray % (a client that does not escape at all)', () => {
    expect(rawQueryParam('/x?message=ab%zz%41', 'message')).toBe('ab%zzA');
  });
});

describe('decodePostBody', () => {
  it('takes binary DER as is and base64 text (old clients) decoded', () => {
    expect(Buffer.from(decodePostBody(der))).toEqual(der);
    expect(Buffer.from(decodePostBody(Buffer.from(std)))).toEqual(der);
  });
  it('fail/empty body → HTTP 400', () => {
    expect(() => decodePostBody(new Uint8Array())).toThrow(ScepHttpError);
  });
});
