/**
 * dns-01 (RFC 8555 §8.4): a TXT record at _acme-challenge.<domain> holding base64url(SHA-256(key
 * authorization)). For a wildcard the record is at the base domain (§8.4, §7.1.3).
 */
import { createHash } from 'node:crypto';
import { problem } from '../problems.js';
import type { DnsResolver } from './resolver.js';

export function dns01Digest(keyAuthorization: string): string {
  return createHash('sha256').update(keyAuthorization).digest('base64url');
}

export async function validateDns01(
  identifier: { type: 'dns' | 'ip'; value: string },
  keyAuthorization: string,
  resolver: DnsResolver,
): Promise<void> {
  if (identifier.type !== 'dns')
    throw problem.malformed('dns-01 cannot validate an IP address (RFC 8738 §7)');
  const name = `_acme-challenge.${identifier.value}`;
  const records = (await resolver.txt(name)).map((chunks) => chunks.join(''));
  if (records.length === 0) throw problem.dns(`No TXT record found at ${name}`);
  const expected = dns01Digest(keyAuthorization);
  if (!records.includes(expected)) {
    throw problem.incorrectResponse(
      `None of the ${records.length} TXT records at ${name} matches the key authorization`,
    );
  }
}
