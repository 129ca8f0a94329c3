import { isIP } from 'node:net';
import type { DomainPolicy } from '../profiles/profile.js';
import type { PolicyFinding } from './finding.js';

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** RFC 1034 §3.5 preferred name syntax (with digits-first labels, RFC 1123 §2.1), lower case. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((part) => label.test(part));
}

function suffixAllows(name: string, suffix: string): boolean {
  const s = suffix.toLowerCase().replace(/^\*?\./, '');
  return name === s || name.endsWith(`.${s}`);
}

function checkDnsName(policy: DomainPolicy, raw: string): PolicyFinding | null {
  const name = raw.toLowerCase();
  const wildcard = name.startsWith('*.');
  const base = wildcard ? name.slice(2) : name;
  if (!isDnsName(base) || base.includes('*')) {
    return {
      policy: 'domain',
      rule: 'dns_name_syntax',
      subject: raw,
      message: `"${raw}" is not a valid DNS name`,
    };
  }
  if (wildcard && !policy.allowWildcards) {
    return {
      policy: 'domain',
      rule: 'wildcards_not_allowed',
      subject: raw,
      message: `Wildcard names such as "${raw}" are not allowed`,
    };
  }
  if (policy.allowedSuffixes.length > 0 && !policy.allowedSuffixes.some((s) => suffixAllows(base, s))) {
    return {
      policy: 'domain',
      rule: 'suffix_not_allowed',
      subject: raw,
      message: `"${raw}" is not under an allowed domain (${policy.allowedSuffixes.join(', ')})`,
    };
  }
  return null;
}

/** Every refusal for the requested names, in request order; empty when the policy allows them all. */
export function checkDomainPolicy(
  policy: DomainPolicy,
  names: { dnsNames: string[]; ipAddresses: string[] },
): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const name of names.dnsNames) {
    const finding = checkDnsName(policy, name);
    if (finding) findings.push(finding);
  }
  for (const ip of names.ipAddresses) {
    if (isIP(ip) === 0) {
      findings.push({
        policy: 'domain',
        rule: 'ip_syntax',
        subject: ip,
        message: `"${ip}" is not an IP address`,
      });
    } else if (!policy.allowIpAddresses) {
      findings.push({
        policy: 'domain',
        rule: 'ip_not_allowed',
        subject: ip,
        message: `IP address identifiers such as ${ip} are not allowed`,
      });
    }
  }
  return findings;
}
