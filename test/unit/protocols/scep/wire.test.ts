/**
 * Every parser of untrusted DER in the SCEP face, fed malformed input: each refuses with its typed
 * error (ScepHttpError before the message is answerable, ScepFailure after), never anything else.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { parseDn } from '../../../../ca/pki/names.js';
import { ScepFailure, ScepHttpError } from '../../../../protocols/scep/errors.js';
import { subjectNames } from '../../../../protocols/scep/leniency.js';
import { readOctetString, readString } from '../../../../protocols/scep/wire/attributes.js';
import { integer, octetString, printableString, sequence, utf8String, tlv } from '../../../../ca/pki/der.js';
import { openEnvelope, sealEnvelope } from '../../../../protocols/scep/wire/envelope.js';
import { parseIssuerAndSerial, parseIssuerAndSubject } from '../../../../protocols/scep/wire/message-data.js';
import { parsePkiMessage, verifyPkiMessage } from '../../../../protocols/scep/wire/pki-message.js';
import { ciphers } from '../../../../protocols/scep/crypto/algorithms.js';
import { makeCsr } from '../../../helpers/pki.js';
import { must, pkiMessage, selfSignedSigner } from '../../../helpers/scep-client.js';

const ra = selfSignedSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }), { subject: 'CN=Test RA' });
const client = selfSignedSigner();
const csr = makeCsr({ key: 'rsa-2048', subject: 'CN=a.example', challengePassword: 'pw' });
const valid = pkiMessage({ messageType: 19, signer: client, recipient: ra.certificate, content: csr.der });

describe('parsePkiMessage', () => {
  it('ok/reads messageType, transactionID, senderNonce, signer and envelope', () => {
    const m = parsePkiMessage(valid.der);
    expect(m).toMatchObject({ messageType: 19, transactionID: valid.transactionID });
    expect(Buffer.from(m.senderNonce)).toEqual(Buffer.from(valid.senderNonce));
    expect(m.envelope?.length).toBeGreaterThan(100);
    expect(() => verifyPkiMessage(m)).not.toThrow();
  });

  it.each([
    ['empty', new Uint8Array()],
    ['not DER', Buffer.from('hello world')],
    ['a bare NULL', Buffer.from([0x05, 0x00])],
    ['an empty SEQUENCE', Buffer.from([0x30, 0x00])],
    ['a ContentInfo of id-data', sequence(tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')))],
    ['a CSR instead of a pkiMessage', csr.der],
    [
      'random octets after a SEQUENCE header',
      Buffer.concat([Buffer.from([0x30, 0x82, 0x01, 0x00]), randomBytes(256)]),
    ],
    [
      'too large',
      Buffer.concat([Buffer.from([0x30, 0x84, 0x00, 0x10, 0x00, 0x00]), Buffer.alloc(1_048_576)]),
    ],
  ])('fail/%s → ScepHttpError', (_name, der) => {
    expect(() => parsePkiMessage(der)).toThrow(ScepHttpError);
  });

  it('ok/the signer key hash is the SHA-256 of its SubjectPublicKeyInfo as received', () => {
    const spki = client.certificate.tbsCertificate.subjectPublicKeyInfo;
    const expected = createHash('sha256')
      .update(Buffer.from(AsnConvert.serialize(spki)))
      .digest('hex');
    expect(parsePkiMessage(valid.der).signer.keySha256).toBe(expected);
  });

  it('fail/a signer certificate whose key does not parse → ScepHttpError', () => {
    const rsaEncryption = Buffer.from('06092a864886f70d010101', 'hex');
    const der = Buffer.from(client.certificateDer);
    const at = der.indexOf(rsaEncryption);
    expect(at).toBeGreaterThan(0);
    der[at + rsaEncryption.length - 1] = 0x7f;
    const broken = { ...client, certificateDer: new Uint8Array(der) };
    const message = pkiMessage({
      messageType: 19,
      signer: broken,
      recipient: ra.certificate,
      content: csr.der,
    });
    expect(() => parsePkiMessage(message.der)).toThrow(/unusable public key/);
  });

  it('fail/every truncation of a valid message → ScepHttpError, never another error', () => {
    for (let n = 0; n < valid.der.length; n += 7) {
      try {
        parsePkiMessage(valid.der.subarray(0, n));
      } catch (err) {
        expect(err).toBeInstanceOf(ScepHttpError);
      }
    }
  });

  it('fail/bit flips → ScepHttpError from parsing or ScepFailure from verification', () => {
    for (let i = 0; i < valid.der.length; i += 13) {
      const flipped = Buffer.from(valid.der);
      flipped[i] = (flipped[i] ?? 0) ^ 0x5a;
      try {
        verifyPkiMessage(parsePkiMessage(flipped));
      } catch (err) {
        expect(err instanceof ScepHttpError || err instanceof ScepFailure).toBe(true);
      }
    }
  });

  it('fail/missing transactionID → ScepHttpError', () => {
    const bare = pkiMessage({
      messageType: 19,
      signer: client,
      recipient: ra.certificate,
      content: csr.der,
      transactionID: '',
    });
    expect(() => parsePkiMessage(bare.der)).toThrow(/transactionID/);
  });

  it('fail/an unknown messageType → ScepHttpError', () => {
    const odd = pkiMessage({ messageType: 99, signer: client, recipient: ra.certificate, content: csr.der });
    expect(() => parsePkiMessage(odd.der)).toThrow(/messageType 99/);
  });
});

describe('openEnvelope', () => {
  const accept = () => true;
  it.each(ciphers.map((c) => [c.name, c] as const))('ok/%s', (_name, spec) => {
    const env = sealEnvelope(csr.der, ra.certificate, spec);
    expect(openEnvelope(env, ra, accept).content).toEqual(Buffer.from(csr.der));
  });

  it('fail/a refused cipher → badAlg', () => {
    const env = sealEnvelope(csr.der, ra.certificate, must(ciphers[0]));
    expect(() => openEnvelope(env, ra, (c) => c.name !== 'des-cbc')).toThrow(
      expect.objectContaining({ failInfo: 'badAlg' }),
    );
  });

  it.each([
    ['empty', new Uint8Array()],
    ['not a ContentInfo', Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])],
    ['a SignedData ContentInfo', valid.der],
    ['garbage', randomBytes(300)],
  ])('fail/%s → badMessageCheck', (_name, der) => {
    expect(() => openEnvelope(der, ra, accept)).toThrow(
      expect.objectContaining({ failInfo: 'badMessageCheck' }),
    );
  });

  it('fail/every truncation and bit flip → a ScepFailure', () => {
    const env = Buffer.from(sealEnvelope(csr.der, ra.certificate, must(ciphers[4])));
    for (let i = 0; i < env.length; i += 11) {
      const flipped = Buffer.from(env);
      flipped[i] = (flipped[i] ?? 0) ^ 0x5a;
      for (const input of [env.subarray(0, i), flipped]) {
        try {
          openEnvelope(input, ra, accept);
        } catch (err) {
          expect(err).toBeInstanceOf(ScepFailure);
        }
      }
    }
  });
});

describe('messageData parsers', () => {
  const issuer = new Uint8Array(AsnConvert.serialize(parseDn('CN=Issuing CA')));
  const subject = new Uint8Array(AsnConvert.serialize(parseDn('CN=device, O=Org')));
  it('ok/IssuerAndSubject and IssuerAndSerialNumber', () => {
    expect(parseIssuerAndSubject(sequence(issuer, subject))).toEqual({
      issuer: 'CN=Issuing CA',
      subject: 'CN=device, O=Org',
    });
    expect(parseIssuerAndSerial(sequence(issuer, integer(0x1234)))).toEqual({
      issuer: 'CN=Issuing CA',
      serialNumber: '1234',
    });
  });
  it.each([
    ['empty', new Uint8Array()],
    ['one name only', sequence(issuer)],
    ['three elements', sequence(issuer, subject, subject)],
    ['trailing octets', Buffer.concat([sequence(issuer, subject), Buffer.from([0])])],
    ['not a SEQUENCE', octetString(issuer)],
    ['garbage', randomBytes(64)],
  ])('fail/%s → ScepFailure badRequest', (_name, der) => {
    expect(() => parseIssuerAndSubject(der)).toThrow(expect.objectContaining({ failInfo: 'badRequest' }));
    expect(() => parseIssuerAndSerial(der.length === 0 ? der : randomBytes(3))).toThrow(ScepFailure);
  });
});

describe('attribute values', () => {
  it('ok/PrintableString, UTF8String and IA5String; OCTET STRING', () => {
    expect(readString(printableString('19'))).toBe('19');
    expect(readString(utf8String('pässword'))).toBe('pässword');
    expect(readString(tlv(0x16, Buffer.from('ia5')))).toBe('ia5');
    expect(Buffer.from(readOctetString(octetString(Buffer.from([1, 2]))))).toEqual(Buffer.from([1, 2]));
  });
  it.each([
    ['an INTEGER', integer(19)],
    ['a truncated string', Buffer.from([0x13, 0x05, 0x31])],
    ['trailing octets', Buffer.from([0x13, 0x01, 0x31, 0x00])],
    ['empty', new Uint8Array()],
  ])('fail/%s', (_name, der) => {
    expect(() => readString(der)).toThrow();
    expect(() => readOctetString(der)).toThrow();
  });
});

describe('subjectNames (Cisco unstructuredName / unstructuredAddress)', () => {
  it('fail/garbage and CSRs without those names → undefined', () => {
    expect(subjectNames(randomBytes(40))).toBeUndefined();
    expect(subjectNames(csr.der)).toBeUndefined();
  });
});
