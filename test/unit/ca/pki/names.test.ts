import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import * as ip from '../../../../ca/pki/ip.js';
import * as names from '../../../../ca/pki/names.js';
import { opensslOk } from '../../../helpers/pki.js';

const hex = (name: Name): string => Buffer.from(AsnConvert.serialize(name)).toString('hex');

describe('ca/pki names and IP addresses', () => {
  it.each([
    ['CN=foo', 'CN=foo'],
    ['CN=foo,O=Bar', 'CN=foo, O=Bar'],
    ['  cn = foo ,  o=Bar  ', 'CN=foo, O=Bar'],
    ['CN=a\\, b, O=x\\+y\\;z', 'CN=a\\, b, O=x\\+y\\;z'],
    ['CN=\\ lead and trail\\ ', 'CN=\\ lead and trail\\ '],
    ['CN=\\#hash, OU=not#first', 'CN=\\#hash, OU=not#first'],
    ['CN=caf\\C3\\A9', 'CN=café'],
    ['CN=日本語', 'CN=日本語'],
    ['CN=a=b', 'CN=a=b'],
    ['emailAddress=a@b.example, E=c@d.example', 'E=a@b.example, E=c@d.example'],
    [
      'serialNumber=1234, C=de, ST=Bayern, L=München, STREET=Main 1',
      'serialNumber=1234, C=de, ST=Bayern, L=München, STREET=Main 1',
    ],
    ['DC=example, DC=com, UID=jdoe', 'DC=example, DC=com, UID=jdoe'],
    // Multi-valued RDNs are a DER SET OF, sorted by encoding (X.690 §11.6).
    ['OU=y+CN=x, O=z', 'CN=x+OU=y, O=z'],
    ['2.5.4.3=plain', 'CN=plain'],
    ['1.2.3.4=#0c03616263', '1.2.3.4=#0c03616263'],
    ['CN=#0c03616263', 'CN=abc'],
    ['', ''],
  ])('parses %j and formats it as %j', (input, output) => {
    const name = names.parseDn(input);
    expect(names.formatDn(name)).toBe(output);
    // Formatting is stable: the output parses to the same DER.
    expect(hex(names.parseDn(output))).toBe(hex(name));
  });

  it('encodes values as RFC 5280 wants and orders RDNs as RFC 4514 §2.1 says', () => {
    const name = names.parseDn('E=a@b.example, CN=c, O=d, C=DE, DC=org');
    const der = Buffer.from(AsnConvert.serialize(name));
    const text = opensslOk(['asn1parse', '-inform', 'DER'], { input: der });
    const types = [...text.matchAll(/(PRINTABLESTRING|UTF8STRING|IA5STRING)\s*:(\S+)/g)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    expect(types).toEqual([
      'IA5STRING:org',
      'PRINTABLESTRING:DE',
      'UTF8STRING:d',
      'UTF8STRING:c',
      'IA5STRING:a@b.example',
    ]);
  });

  it('formats names it did not write, with escapes and #hex for non-strings', () => {
    const name = names.parseDn('CN=x');
    const printable = AsnConvert.parse(Buffer.from('3011310f300d06035504030c06202c2b3c3e20', 'hex'), Name);
    expect(names.formatDn(printable)).toBe('CN=\\ \\,\\+\\<\\>\\ ');
    expect(names.formatDn(name)).toBe('CN=x');
    const bool = AsnConvert.parse(Buffer.from('300c310a300806035504030101ff', 'hex'), Name);
    expect(names.formatDn(bool)).toBe('CN=#0101ff');
  });

  it.each([
    ['CN', /missing "="/],
    ['CN=foo,', /missing "="/],
    ['XYZ=1', /unknown attribute type "XYZ"/],
    ['CN=', /empty value for CN/],
    ['C=DEU', /two-letter/],
    ['C=D_', /PrintableString/],
    ['E=ü@x', /ASCII/],
    ['CN=a"b', /unescaped/],
    ['CN=a;b', /unescaped/],
    ['CN=a\\q', /invalid escape/],
    ['CN=\\C3', /not valid UTF-8/],
    ['CN=#zz', /invalid #hex/],
    ['CN=#0c0361626364', /not a DER encoded attribute value/],
  ])('rejects %j', (input, message) => {
    expect(() => names.parseDn(input)).toThrow(message);
    expect(() => names.parseDn(input)).toThrow(names.DnSyntaxError);
  });

  it.each([
    ['192.0.2.1', '192.0.2.1', 'c0000201'],
    ['2001:DB8::1', '2001:db8::1', '20010db8000000000000000000000001'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1', '20010db8000000000001000000000001'],
    ['::', '::', '00000000000000000000000000000000'],
    ['::1', '::1', '00000000000000000000000000000001'],
    ['1::', '1::', '00010000000000000000000000000000'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1', '20010db8000000010001000100010001'],
    ['::ffff:192.0.2.1', '::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201', '0064ff9b0000000000000000c0000201'],
  ])('reads IP %j as %j', (input, canonical, octets) => {
    const bytes = ip.ipToBytes(input);
    expect(Buffer.from(bytes ?? []).toString('hex')).toBe(octets);
    expect(ip.bytesToIp(bytes ?? new Uint8Array())).toBe(canonical);
  });

  it('refuses what is not a plain IP address', () => {
    for (const text of [
      '',
      'example.com',
      '1.2.3',
      '256.1.1.1',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:8:9',
      '10.0.0.0/8',
    ]) {
      expect(ip.ipToBytes(text)).toBeNull();
    }
    expect(ip.bytesToIp(new Uint8Array(8))).toBeNull();
  });
});
