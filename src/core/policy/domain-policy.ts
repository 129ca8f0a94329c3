import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import type { DomainPolicy } from '../profiles/profile.js';
import type { PolicyFinding } from './finding.js';
import { nameTextError } from './name-text.js';

const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** RFC 1034 §3.5 preferred name syntax (with digits-first labels, RFC 1123 §2.1), lower case. */
export function isDnsName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((part) => label.test(part));
}

/**
 * Why `suffix` cannot be one of a domain policy's allowed suffixes, or null when it can: a domain
 * name of LDH labels (RFC 1123 §2.1), internationalized names as A-labels (RFC 5890 §2.3.2.1), no
 * empty label, at most 63 characters a label and 253 in all; optionally written ".corp.example", or
 * "*.corp.example" when the policy allows wildcards. Anything else could never match a name, or
 * would match one the operator did not mean.
 */
export function suffixSyntaxProblem(suffix: string, allowWildcards: boolean): string | null {
  const characters = nameTextError('The suffix', suffix);
  if (characters) return characters.message;
  const quoted = JSON.stringify(suffix);
  let body = suffix.toLowerCase();
  if (body.startsWith('*.')) {
    if (!allowWildcards) return `${quoted} is a wildcard, but the policy does not allow wildcards`;
    body = body.slice(2);
  } else if (body.startsWith('.')) {
    body = body.slice(1);
  }
  if (body.includes('*')) return `${quoted}: "*" may only be the whole first label, as in "*.example.com"`;
  if (body.length === 0 || body.length > 253) return `${quoted} is not a domain name of 1 to 253 characters`;
  for (const part of body.split('.')) {
    if (part === '') return `${quoted} has an empty label`;
    if (part.length > 63) return `${quoted} has a label longer than 63 characters`;
    if (/[^\x20-\x7e]/.test(part)) {
      const aLabels = domainToASCII(body);
      return `${quoted} is not written in A-labels${aLabels ? ` (write "${aLabels}")` : ''}`;
    }
    if (!label.test(part)) {
      return `${quoted} has a label that is not letters, digits and inner hyphens`;
    }
    if (part.startsWith('xn--') && domainToASCII(domainToUnicode(part)) !== part) {
      return `${quoted} has an xn-- label that is not a valid A-label`;
    }
  }
  return null;
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
