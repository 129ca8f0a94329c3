/**
 * tls-alpn-01 (RFC 8737): a TLS handshake to port 443 with SNI = the name and ALPN "acme-tls/1"
 * must present a self-signed certificate whose only SAN is that name and which carries the critical
 * id-pe-acmeIdentifier extension (1.3.6.1.5.5.7.1.31, the final OID only) holding SHA-256 of the
 * key authorization. For an IP (RFC 8738 §6) the SNI is the reverse-mapping name and the SAN the IP.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { connect, type PeerCertificate } from 'node:tls';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  Certificate,
  SubjectAlternativeName,
  id_ce_subjectAltName,
  type GeneralName,
} from '@peculiar/asn1-x509';
import { bytesToIp, ipToBytes } from '../../../ca/pki/ip.js';
import { problem } from '../problems.js';
import type { DnsResolver } from './resolver.js';

export const ACME_IDENTIFIER_OID = '1.3.6.1.5.5.7.1.31';

/** RFC 8738 §6: the reverse-mapping name of an address, used as SNI. */
export function reverseName(ip: string): string {
  const bytes = ipToBytes(ip);
  if (!bytes) throw problem.malformed(`${ip} is not an IP address`);
  if (bytes.length === 4) return `${[...bytes].reverse().join('.')}.in-addr.arpa`;
  const nibbles = [...bytes].flatMap((b) => [b >> 4, b & 15]).map((n) => n.toString(16));
  return `${nibbles.reverse().join('.')}.ip6.arpa`;
}

function canonicalIp(text: string): string | null {
  const bytes = ipToBytes(text);
  return bytes ? bytesToIp(bytes) : null;
}

function handshake(address: string, port: number, servername: string, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: address,
      port,
      servername,
      ALPNProtocols: ['acme-tls/1'],
      rejectUnauthorized: false,
      timeout: timeoutMs,
    });
    socket.once('secureConnect', () => {
      const protocol = socket.alpnProtocol;
      const cert: PeerCertificate = socket.getPeerCertificate();
      socket.end();
      if (protocol !== 'acme-tls/1')
        reject(problem.tls('The server did not negotiate the acme-tls/1 protocol'));
      else if (!cert?.raw) reject(problem.tls('The server presented no certificate'));
      else resolve(cert.raw);
    });
    socket.once('timeout', () => socket.destroy(new Error('timed out')));
    socket.once('error', (err) =>
      reject(problem.connection(`TLS connection failed: ${err.message}`, { cause: err })),
    );
  });
}

/** Checks the challenge certificate's SAN and acmeIdentifier against the identifier and key authorization. */
export function checkAlpnCertificate(
  der: Buffer,
  identifier: { type: 'dns' | 'ip'; value: string },
  keyAuthorization: string,
): void {
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (cause) {
    throw problem.tls('The challenge certificate cannot be parsed', { cause });
  }
  const extensions = cert.tbsCertificate.extensions ?? [];
  const san = extensions.find((e) => e.extnID === id_ce_subjectAltName);
  const names: GeneralName[] = san ? [...AsnConvert.parse(san.extnValue, SubjectAlternativeName)] : [];
  const only = names.length === 1 ? names[0] : undefined;
  const matches =
    identifier.type === 'dns'
      ? only?.dNSName?.toLowerCase() === identifier.value
      : only?.iPAddress !== undefined && canonicalIp(only.iPAddress) === identifier.value;
  if (!matches) throw problem.unauthorized(`The challenge certificate must name exactly ${identifier.value}`);
  const acme = extensions.find((e) => e.extnID === ACME_IDENTIFIER_OID);
  if (!acme) throw problem.unauthorized('The challenge certificate lacks the acmeIdentifier extension');
  if (!acme.critical) throw problem.unauthorized('The acmeIdentifier extension must be critical');
  let digest: Buffer;
  try {
    digest = Buffer.from(AsnConvert.parse(acme.extnValue, OctetString).buffer);
  } catch {
    throw problem.unauthorized('The acmeIdentifier extension is malformed');
  }
  const expected = createHash('sha256').update(keyAuthorization).digest();
  if (!digest.equals(expected))
    throw problem.incorrectResponse('The acmeIdentifier does not match the key authorization');
}

export async function validateTlsAlpn01(
  identifier: { type: 'dns' | 'ip'; value: string },
  keyAuthorization: string,
  options: { resolver: DnsResolver; port: number; timeoutMs: number },
): Promise<void> {
  const [address] =
    identifier.type === 'ip' ? [identifier.value] : await options.resolver.addresses(identifier.value);
  if (!address) throw problem.dns(`No address for ${identifier.value}`);
  const servername =
    identifier.type === 'ip' || isIP(identifier.value) ? reverseName(identifier.value) : identifier.value;
  const der = await handshake(address, options.port, servername, options.timeoutMs);
  checkAlpnCertificate(der, identifier, keyAuthorization);
}
