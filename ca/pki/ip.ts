/**
 * IP addresses for the iPAddress GeneralName, which RFC 5280 §4.2.1.6 encodes as the raw network
 * order octets: 4 for IPv4, 16 for IPv6. Text goes in as any form node accepts and comes out in the
 * canonical RFC 5952 form, so the same address always reads the same.
 *
 */
import { isIP } from 'node:net';

/** The 4 or 16 octets of an IP address, or null when the text is not a plain IP address. */
export function ipToBytes(text: string): Uint8Array | null {
  const version = isIP(text);
  if (version === 4) {
    return new Uint8Array(text.split('.').map(Number));
  }
  // Zone identifiers (fe80::1%eth0) are local to a host and have no place in a certificate.
  if (version !== 6 || text.includes('%')) {
    return null;
  }
  let head = text;
  let tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Embedded IPv4 in the last 32 bits (RFC 4291 §2.2, form 3).
    tail = text
      .slice(lastColon + 1)
      .split('.')
      .map(Number);
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftGroups = left === '' ? [] : left.split(':');
  const rightGroups = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = [
    ...leftGroups,
    ...Array<string>(right === undefined ? 0 : missing).fill('0'),
    ...rightGroups,
  ];
  const bytes = new Uint8Array(16);
  groups.forEach((group, index) => {
    const value = parseInt(group, 16);
    bytes[index * 2] = value >> 8;
    bytes[index * 2 + 1] = value & 0xff;
  });
  if (tail.length === 4) {
    bytes.set(tail, 12);
  }
  return bytes;
}

/** Formats 4 or 16 octets; IPv6 in the RFC 5952 §4 canonical form. Null for any other length. */
export function bytesToIp(bytes: Uint8Array): string | null {
  if (bytes.length === 4) {
    return Array.from(bytes).join('.');
  }
  if (bytes.length !== 16) {
    return null;
  }
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  }
  // §5: IPv4-mapped addresses keep the dotted quad.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${Array.from(bytes.slice(12)).join('.')}`;
  }
  // §4.2: compress the longest run (the first on a tie) of two or more zero groups.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) {
    return hex.join(':');
  }
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * The address in the one textual form @peculiar/asn1-x509's iPAddress converter reads back into the
 * same octets (dotted quad, or eight uncompressed hex groups): it mis-parses "::" next to a dotted
 * quad, so we never hand it one.
 */
export function ipForAsn1(bytes: Uint8Array): string {
  if (bytes.length === 4) {
    return Array.from(bytes).join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  }
  return groups.join(':');
}
