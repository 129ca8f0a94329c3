import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AlgorithmIdentifier, Attribute, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { algorithm, integer, sequence, tlv } from '../../../../ca/pki/der.js';
import { toPem } from '../../../../src/core/csr/build.js';
import { MAX_CSR_BYTES, parseCsr } from '../../../../src/core/csr/parse.js';
import { CoreError } from '../../../../src/core/errors.js';
import { makeCsr, makeKeyPair, opensslOk, pemToDer, type TestKeyType } from '../../../helpers/pki.js';

function expectBadCsr(input: Uint8Array | string, message?: RegExp): CoreError {
  let caught: unknown;
  try {
    parseCsr(input);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CoreError);
  const error = caught as CoreError;
  expect(error.code).toBe('bad_csr');
  if (message) expect(error.message).toMatch(message);
  return error;
}

/** Rewrites a CSR's info with `edit`, then re-signs it (so that only the edit differs). */
function resign(
  der: Uint8Array,
  privateKey: KeyObject,
  edit: (request: CertificationRequest) => void,
  hash: string | null = 'sha256',
): Uint8Array {
  const request = AsnConvert.parse(der, CertificationRequest);
  edit(request);
  const info = new Uint8Array(AsnConvert.serialize(request.certificationRequestInfo));
  request.signature = new Uint8Array(sign(hash, info, privateKey)).buffer;
  return new Uint8Array(AsnConvert.serialize(request));
}

describe('parseCsr', () => {
  it.each<[TestKeyType, object]>([
    ['ec-p256', { algorithm: 'ec', curve: 'P-256' }],
    ['ec-p384', { algorithm: 'ec', curve: 'P-384' }],
    ['rsa-2048', { algorithm: 'rsa', rsaBits: 2048 }],
    ['ed25519', { algorithm: 'ed25519' }],
  ])('reads back what buildCsr wrote with a %s key', (keyType, publicKey) => {
    const csr = makeCsr({
      key: keyType,
      subject: 'CN=device-7.example.com, O=Example\\, Inc, C=DE',
      dnsNames: ['device-7.example.com', 'alias.example.com'],
      ipAddresses: ['192.0.2.7', '2001:0DB8::7'],
      challengePassword: 'one-time secret',
    });
    const parsed = parseCsr(csr.der);
    expect(parsed).toEqual({
      der: csr.der,
      subject: 'CN=device-7.example.com, O=Example\\, Inc, C=DE',
      commonName: 'device-7.example.com',
      dnsNames: ['device-7.example.com', 'alias.example.com'],
      ipAddresses: ['192.0.2.7', '2001:db8::7'],
      emailAddresses: [],
      challengePassword: 'one-time secret',
      publicKey: {
        ...publicKey,
        spkiDer: new Uint8Array(csr.publicKey.export({ type: 'spki', format: 'der' })),
      },
      signatureValid: true,
      sha256: createHash('sha256').update(csr.der).digest('hex'),
    });
  });

  it('accepts PEM as a string or as bytes, with either label and any line breaks', () => {
    const csr = makeCsr({ subject: 'CN=pem' });
    const body = Buffer.from(csr.der).toString('base64');
    const variants = [
      csr.pem,
      toPem(csr.der, 'NEW CERTIFICATE REQUEST'),
      `explanatory text\r\n-----BEGIN CERTIFICATE REQUEST-----\r\n  ${body.slice(0, 30)}\r\n\t${body.slice(30)}\r\n-----END CERTIFICATE REQUEST-----\r\n\r\n`,
      `-----BEGIN CERTIFICATE REQUEST-----${body}-----END CERTIFICATE REQUEST-----`,
    ];
    for (const pem of variants) {
      expect(parseCsr(pem).der).toEqual(csr.der);
      expect(parseCsr(new Uint8Array(Buffer.from(`\n${pem}`))).subject).toBe('CN=pem');
    }
  });

  it('reports an invalid signature when a byte of the request was changed', () => {
    const csr = makeCsr({ subject: 'CN=tamper-me' });
    const tampered = Buffer.from(csr.der);
    const at = tampered.indexOf(Buffer.from('tamper-me'));
    tampered[at] = 'T'.charCodeAt(0);
    const parsed = parseCsr(tampered);
    expect(parsed.subject).toBe('CN=Tamper-me');
    expect(parsed.signatureValid).toBe(false);

    const badSignature = Buffer.from(csr.der);
    badSignature[badSignature.length - 3] ^= 0x01;
    expect(parseCsr(badSignature).signatureValid).toBe(false);
  });

  it('reads a request made by openssl req with a SAN (interop)', () => {
    const pem = opensslOk([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-subj',
      '/C=US/O=Example Corp/CN=www.example.com',
      '-addext',
      'subjectAltName=DNS:www.example.com,DNS:example.com,IP:198.51.100.4,IP:2001:db8::4,email:ops@example.com',
    ]);
    const parsed = parseCsr(pem);
    expect(parsed).toMatchObject({
      subject: 'CN=www.example.com, O=Example Corp, C=US',
      commonName: 'www.example.com',
      dnsNames: ['www.example.com', 'example.com'],
      ipAddresses: ['198.51.100.4', '2001:db8::4'],
      emailAddresses: ['ops@example.com'],
      challengePassword: null,
      publicKey: { algorithm: 'rsa', rsaBits: 2048 },
      signatureValid: true,
    });
  });

  it.each([
    ['default', 'PRINTABLESTRING'],
    ['utf8only', 'UTF8STRING'],
  ])('reads an openssl challengePassword written with string_mask=%s', (mask, asn1Type) => {
    const config = [
      '[req]',
      'distinguished_name = dn',
      'attributes = attrs',
      'prompt = no',
      `string_mask = ${mask}`,
      '[dn]',
      'CN = scep-device',
      '[attrs]',
      'challengePassword = s3cret-Pass',
      '',
    ].join('\n');
    const pem = opensslOk(
      [
        'req',
        '-new',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'k.pem',
        '-config',
        'req.cnf',
      ],
      { files: { 'req.cnf': config } },
    );
    expect(opensslOk(['asn1parse'], { input: pem })).toMatch(new RegExp(`${asn1Type}\\s*:s3cret-Pass`));
    expect(parseCsr(pem)).toMatchObject({
      challengePassword: 's3cret-Pass',
      subject: 'CN=scep-device',
      signatureValid: true,
    });
  });

  it('accepts an IA5String challengePassword and rejects other string types', () => {
    const keys = makeKeyPair();
    const csr = makeCsr({ key: keys, challengePassword: 'x' });
    const withValue = (hex: string) =>
      resign(csr.der, keys.privateKey, (request) => {
        request.certificationRequestInfo.attributes = request.certificationRequestInfo.attributes.map((a) =>
          a.type === '1.2.840.113549.1.9.7'
            ? new Attribute({ type: a.type, values: [new Uint8Array(Buffer.from(hex, 'hex')).buffer] })
            : a,
        ) as typeof request.certificationRequestInfo.attributes;
      });
    expect(parseCsr(withValue('1603616263')).challengePassword).toBe('abc');
    expectBadCsr(withValue('1e06006100620063'), /challengePassword is not a PrintableString/);
    expectBadCsr(withValue('0c02c328'), /challengePassword is not valid text/);
  });

  it('verifies RSASSA-PSS, SHA-1 and SHA-384 signatures made by openssl', () => {
    const variants = [
      ['-newkey', 'rsa:2048', '-sha256', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384'],
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-sha1'],
      ['-newkey', 'ed25519'],
    ];
    for (const args of variants) {
      const pem = opensslOk(['req', '-new', ...args, '-nodes', '-keyout', 'k.pem', '-subj', '/CN=alg']);
      expect(parseCsr(pem).signatureValid, args.join(' ')).toBe(true);
    }
  });

  it('treats an unsupported signature algorithm as bad_csr and an unknown key type as "other"', () => {
    const keys = makeKeyPair();
    const csr = makeCsr({ key: keys });
    const request = AsnConvert.parse(csr.der, CertificationRequest);
    request.signatureAlgorithm = new AlgorithmIdentifier({ algorithm: '1.2.3.4.5' });
    expectBadCsr(
      new Uint8Array(AsnConvert.serialize(request)),
      /signature algorithm 1.2.3.4.5 is not supported/,
    );

    // An X25519 key cannot sign: node loads it, we report 'other' and the signature cannot verify.
    const x25519 = generateKeyPairSync('x25519');
    const other = resign(
      csr.der,
      makeKeyPair('ed25519').privateKey,
      (r) => {
        r.certificationRequestInfo.subjectPKInfo = AsnConvert.parse(
          x25519.publicKey.export({ type: 'spki', format: 'der' }),
          SubjectPublicKeyInfo,
        );
        r.signatureAlgorithm = new AlgorithmIdentifier({ algorithm: '1.3.101.112' });
      },
      null,
    );
    expect(parseCsr(other)).toMatchObject({ publicKey: { algorithm: 'other' }, signatureValid: false });
  });

  it('rejects a version other than v1 and a repeated subjectAltName', () => {
    const keys = makeKeyPair();
    const csr = makeCsr({ key: keys, dnsNames: ['a.example'] });
    expectBadCsr(
      resign(csr.der, keys.privateKey, (r) => {
        r.certificationRequestInfo.version = 1;
      }),
      /version is 1/,
    );
    const twice = resign(csr.der, keys.privateKey, (r) => {
      const attribute = r.certificationRequestInfo.attributes[0] as Attribute;
      r.certificationRequestInfo.attributes.push(attribute);
    });
    expectBadCsr(twice, /repeated or empty extensionRequest/);
  });

  it('reads a request whose encoder left out the empty attributes set, and refuses a signature with unused bits', () => {
    const keys = makeKeyPair();
    const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
    const subject = Buffer.from('300f310d300b06035504030c0462617265', 'hex'); // CN=bare
    const info = sequence(integer(0), subject, spki);
    const signed = (unusedBits: number) =>
      sequence(
        info,
        algorithm('1.2.840.10045.4.3.2'),
        tlv(0x03, Uint8Array.of(unusedBits), sign('sha256', info, keys.privateKey)),
      );
    expect(parseCsr(signed(0))).toMatchObject({ subject: 'CN=bare', signatureValid: true, dnsNames: [] });
    expectBadCsr(signed(1), /not a DER PKCS#10 request: the signature has unused bits/);
    // The version is read as a whole INTEGER, not as its first octet.
    expectBadCsr(
      sequence(
        sequence(tlv(0x02, Uint8Array.of(1, 0)), subject, spki),
        algorithm('1.2.840.10045.4.3.2'),
        tlv(0x03, Uint8Array.of(0)),
      ),
      /version is 256/,
    );
  });

  describe('rejects malformed input with bad_csr', () => {
    const csr = makeCsr({ dnsNames: ['x.example'] });
    const certificate = opensslOk([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'k.pem',
      '-subj',
      '/CN=cert',
    ]);
    const body = Buffer.from(csr.der).toString('base64');
    it.each<[string, Uint8Array | string, RegExp]>([
      ['empty bytes', new Uint8Array(), /empty/],
      ['empty string', '  \n', /empty/],
      ['random bytes', new Uint8Array(randomBytes(300)), /not a DER PKCS#10/],
      ['a DER SEQUENCE of garbage', new Uint8Array([0x30, 0x03, 0x01, 0x02, 0x03]), /not a DER PKCS#10/],
      ['truncated DER', csr.der.subarray(0, csr.der.length - 10), /truncated/],
      ['trailing garbage', new Uint8Array([...csr.der, 0, 1, 2]), /3 octets of trailing data/],
      ['a string that is not PEM', 'hello', /no "-----BEGIN" line/],
      [
        'PEM with a wrong label',
        toPem(csr.der, 'CERTIFICATE'),
        /is a "CERTIFICATE", not a "CERTIFICATE REQUEST"/,
      ],
      [
        'PEM with invalid base64',
        `-----BEGIN CERTIFICATE REQUEST-----\n${body.slice(0, 20)}*${body.slice(21)}\n-----END CERTIFICATE REQUEST-----\n`,
        /valid base64/,
      ],
      [
        'PEM without END line',
        `-----BEGIN CERTIFICATE REQUEST-----\n${body}\n`,
        /no "-----END CERTIFICATE REQUEST-----" line/,
      ],
      ['two PEM blocks', csr.pem + csr.pem, /more than one block/],
      ['PEM of garbage', toPem(new Uint8Array(randomBytes(64)), 'CERTIFICATE REQUEST'), /not a DER PKCS#10/],
      ['a certificate instead of a CSR', pemToDer(certificate), /not a DER PKCS#10/],
      ['oversized input', new Uint8Array(MAX_CSR_BYTES + 1), /larger than/],
    ])('%s', (_name, input, message) => {
      expectBadCsr(input, message);
    });
  });

  it('never throws anything but bad_csr on corrupted requests', () => {
    const csr = makeCsr({ dnsNames: ['x.example'], ipAddresses: ['10.1.2.3'], challengePassword: 'pw' });
    for (let i = 0; i < 1500; i += 1) {
      const mutated = Buffer.from(csr.der);
      const position = i % mutated.length;
      mutated[position] = (mutated[position] ?? 0) ^ (1 << (i % 8));
      const input = i % 3 === 0 ? mutated.subarray(0, (i * 7) % mutated.length) : mutated;
      try {
        parseCsr(input);
      } catch (error) {
        expect(error).toBeInstanceOf(CoreError);
        expect((error as CoreError).code).toBe('bad_csr');
      }
    }
  });
});
