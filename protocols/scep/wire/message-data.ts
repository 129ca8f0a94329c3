/**
 * The decrypted messageData of the non-enrolment requests (RFC 8894 §3.3.3, §3.3.4):
 *
 *   IssuerAndSubject ::= SEQUENCE { issuer Name, subject Name }          -- CertPoll (GetCertInitial)
 *   IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }
 *                                                                         -- GetCert, GetCRL
 */
import { IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name } from '@peculiar/asn1-x509';
import { formatDn } from '../../../ca/pki/names.js';
import { readTlv } from '../../../ca/pki/der-read.js';
import { ScepFailure } from '../errors.js';

/** RFC 8894 §3.3.3 IssuerAndSubject, split by hand (the schema library needs decorators for a new type). */
export function parseIssuerAndSubject(der: Uint8Array): { issuer: string; subject: string } {
  try {
    const outer = readTlv(der);
    if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error('not one SEQUENCE');
    const first = readTlv(der, outer.contentStart);
    const second = readTlv(der, first.end);
    if (second.end !== outer.end) throw new Error('extra elements');
    const issuer = AsnConvert.parse(der.slice(outer.contentStart, first.end), Name);
    const subject = AsnConvert.parse(der.slice(first.end, second.end), Name);
    return { issuer: formatDn(issuer), subject: formatDn(subject) };
  } catch (cause) {
    throw new ScepFailure('badRequest', 'The CertPoll messageData is not an IssuerAndSubject', { cause });
  }
}

/** Issuer as RFC 4514 text and the serial as lower-case hex of the INTEGER content octets. */
export function parseIssuerAndSerial(der: Uint8Array): { issuer: string; serialNumber: string } {
  try {
    const parsed = AsnConvert.parse(der, IssuerAndSerialNumber);
    return {
      issuer: formatDn(parsed.issuer),
      serialNumber: Buffer.from(parsed.serialNumber).toString('hex'),
    };
  } catch (cause) {
    throw new ScepFailure('badRequest', 'The messageData is not an IssuerAndSerialNumber', { cause });
  }
}
