/**
 * What real devices put where RFC 8894 does not expect it. Cisco IOS puts the hostname in
 * `unstructuredName` and the IP address in `unstructuredAddress` (PKCS#9, RFC 2985 §5.4.3, §5.4.4),
 * in the subject or as request attributes, and no subjectAltName; Dogtag maps them to DNS and IP
 * names, and so does this face when the profile allows (scep.mapUnstructuredNames).
 */
import { isIP } from 'node:net';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { AttributeValue } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { ipToBytes, bytesToIp } from '../../ca/pki/ip.js';

const unstructuredName = '1.2.840.113549.1.9.2';
const unstructuredAddress = '1.2.840.113549.1.9.8';

/**
 * DNS / IP names from unstructuredName / unstructuredAddress when the CSR has no subjectAltName;
 * undefined when there are none (the CSR's own names then apply unchanged).
 */
export function subjectNames(csrDer: Uint8Array): { dnsNames: string[]; ipAddresses: string[] } | undefined {
  const raw = Buffer.from(csrDer);
  // Cheap byte checks first: most CSRs have neither OID, or request a subjectAltName.
  const hasUnstructured =
    raw.includes(Buffer.from('06092a864886f70d010902', 'hex')) ||
    raw.includes(Buffer.from('06092a864886f70d010908', 'hex'));
  if (!hasUnstructured || raw.includes(Buffer.from([0x06, 0x03, 0x55, 0x1d, 0x11]))) return undefined;
  let request: CertificationRequest;
  try {
    request = AsnConvert.parse(csrDer, CertificationRequest);
  } catch {
    return undefined;
  }
  const info = request.certificationRequestInfo;
  const values: { type: string; text: string }[] = [];
  for (const rdn of info.subject) {
    for (const atv of rdn) {
      if (atv.type === unstructuredName || atv.type === unstructuredAddress) {
        const text = textOf(atv.value);
        if (text) values.push({ type: atv.type, text });
      }
    }
  }
  for (const attribute of info.attributes ?? []) {
    if (attribute.type !== unstructuredName && attribute.type !== unstructuredAddress) continue;
    for (const value of attribute.values) {
      const parsed = asn1js.fromBER(value);
      const block = parsed.result as unknown as { valueBlock?: { value?: unknown } };
      if (parsed.offset !== -1 && typeof block.valueBlock?.value === 'string') {
        values.push({ type: attribute.type, text: block.valueBlock.value });
      }
    }
  }
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const { type, text } of values) {
    const trimmed = text.trim();
    const ip = isIP(trimmed) ? bytesToIp(ipToBytes(trimmed) as Uint8Array) : null;
    if (ip) ipAddresses.push(ip);
    else if (type === unstructuredName && /^[a-z0-9.-]+$/i.test(trimmed))
      dnsNames.push(trimmed.toLowerCase());
  }
  if (dnsNames.length === 0 && ipAddresses.length === 0) return undefined;
  return { dnsNames: [...new Set(dnsNames)], ipAddresses: [...new Set(ipAddresses)] };
}

function textOf(value: AttributeValue): string | null {
  return (
    value.ia5String ??
    value.printableString ??
    value.utf8String ??
    value.teletexString ??
    value.bmpString ??
    null
  );
}
