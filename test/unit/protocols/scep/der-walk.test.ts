/**
 * The DER walkers the SCEP face reads requests with (ca/pki/der-walk.ts, wire/signer-info.ts): exact
 * on well-formed input, an Error (never anything else, never a hang) on malformed input.
 */
import { randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { algorithm, integer, objectIdentifier, octetString, sequence, tlv } from '../../../../ca/pki/der.js';
import { certificateParts, decodeOid } from '../../../../ca/pki/der-walk.js';
import { readSignerInfo } from '../../../../protocols/scep/wire/signer-info.js';
import { selfSignedSigner } from '../../../helpers/scep-client.js';

const contentOf = (der: Uint8Array) => der.subarray(2);

describe('decodeOid', () => {
  it.each([
    '1.2.840.113549.1.7.2',
    '2.16.840.1.113733.1.9.7',
    '0.9.2342.19200300.100.1.25',
    '2.999.1',
    '1.3.6.1.5.5.7.24.1',
  ])('ok/%s round-trips through the writer', (oid) => {
    expect(decodeOid(contentOf(objectIdentifier(oid)))).toBe(oid);
  });

  it.each([
    ['empty', []],
    ['truncated arc', [0x2a, 0x86]],
    ['non-minimal arc', [0x2a, 0x80, 0x01]],
    ['arc beyond 2^53', [0x2a, ...Array<number>(9).fill(0xff), 0x7f]],
    ['too long', Array<number>(65).fill(0x01)],
  ])('fail/%s → Error', (_name, bytes) => {
    expect(() => decodeOid(new Uint8Array(bytes))).toThrow(Error);
  });
});

describe('readSignerInfo', () => {
  const client = selfSignedSigner();
  const parts = certificateParts(client.certificateDer);
  const attrs = tlv(
    0xa0,
    sequence(objectIdentifier('1.2.840.113549.1.9.3'), tlv(0x31, objectIdentifier('1.2.840.113549.1.7.1'))),
  );
  const signerInfo = sequence(
    integer(1),
    sequence(parts.issuer, tlv(0x02, parts.serialNumber)),
    algorithm('2.16.840.1.101.3.4.2.1'),
    attrs,
    algorithm('1.2.840.113549.1.1.11', Buffer.from([0x05, 0x00])),
    octetString(Buffer.alloc(256, 7)),
    tlv(0xa1),
  );

  it('ok/reads sid, algorithms, signature and attributes as received', () => {
    const info = readSignerInfo(signerInfo);
    expect(Buffer.from(info.sid?.issuer ?? [])).toEqual(Buffer.from(parts.issuer));
    expect(info.digestAlgorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(info.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(info.signature.length).toBe(256);
    expect(info.signedAttrs).toEqual([
      { attrType: '1.2.840.113549.1.9.3', attrValues: [expect.any(Uint8Array)] },
    ]);
    expect(Buffer.from(info.signedAttrsRaw ?? [])).toEqual(Buffer.from(attrs));
  });

  it('fail/every truncation, bit flip and random input → Error', () => {
    const attempts: Uint8Array[] = [randomBytes(200), sequence(), sequence(integer(1))];
    for (let n = 0; n < signerInfo.length; n += 5) attempts.push(signerInfo.subarray(0, n));
    for (let i = 0; i < signerInfo.length; i += 11) {
      const flipped = Buffer.from(signerInfo);
      flipped[i] = (flipped[i] ?? 0) ^ 0x5a;
      attempts.push(flipped);
    }
    for (const der of attempts) {
      try {
        readSignerInfo(der);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    }
    expect(() => readSignerInfo(signerInfo.subarray(0, signerInfo.length - 3))).toThrow(Error);
  });
});

describe('certificateParts', () => {
  it('ok/the issuer, subject, serial and key are the certificate’s own octets', () => {
    const client = selfSignedSigner();
    const parts = certificateParts(client.certificateDer);
    const tbs = client.certificate.tbsCertificate;
    expect(Buffer.from(parts.issuer)).toEqual(Buffer.from(AsnConvert.serialize(tbs.issuer)));
    expect(Buffer.from(parts.subject)).toEqual(Buffer.from(AsnConvert.serialize(tbs.subject)));
    expect(Buffer.from(parts.serialNumber)).toEqual(Buffer.from(tbs.serialNumber));
    expect(Buffer.from(parts.subjectPublicKeyInfo)).toEqual(
      Buffer.from(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
    );
  });

  it('fail/not a certificate → Error', () => {
    for (const der of [new Uint8Array(), sequence(), sequence(sequence(integer(1))), randomBytes(64)]) {
      expect(() => certificateParts(der)).toThrow(Error);
    }
  });
});
