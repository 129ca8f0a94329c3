/**
 * CAA (RFC 8659) with the RFC 8657 parameters accounturi and validationmethods. The relevant record
 * set is the first non-empty one climbing from the name toward the root; no set, or a set without
 * issue/issuewild properties, allows issuance. An unknown critical property forbids it.
 */
import { problem } from '../problems.js';
import type { DnsResolver } from './resolver.js';

const KNOWN_TAGS = new Set([
  'issue',
  'issuewild',
  'iodef',
  'contactemail',
  'contactphone',
  'issuemail',
  'issuevmc',
]);

export interface CaaContext {
  /** Issuer domain names that identify this CA (config acme.caaIdentities). */
  identities: string[];
  /** The account URL, matched against an accounturi parameter. */
  accountUri: string;
  /** The challenge type that validated, matched against validationmethods. */
  method: string;
}

/** RFC 8659 §4.2: issuer-domain-name, then ";"-separated key=value parameters. */
export function parseIssueValue(value: string): { issuer: string; params: Map<string, string> } | null {
  const [issuerPart = '', ...rest] = value.split(';');
  const issuer = issuerPart.trim().toLowerCase();
  const params = new Map<string, string>();
  for (const part of rest) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq < 1) return null;
    params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return { issuer, params };
}

function permits(value: string, ctx: CaaContext): boolean {
  const parsed = parseIssueValue(value);
  if (!parsed || parsed.issuer === '') return false;
  if (!ctx.identities.some((id) => id.toLowerCase() === parsed.issuer)) return false;
  const accountUri = parsed.params.get('accounturi');
  if (accountUri !== undefined && accountUri !== ctx.accountUri) return false;
  const methods = parsed.params.get('validationmethods');
  if (
    methods !== undefined &&
    !methods
      .split(',')
      .map((m) => m.trim())
      .includes(ctx.method)
  )
    return false;
  return true;
}

export async function checkCaa(
  identifier: { type: 'dns' | 'ip'; value: string },
  wildcard: boolean,
  resolver: DnsResolver,
  ctx: CaaContext,
): Promise<void> {
  if (identifier.type !== 'dns') return;
  const labels = identifier.value.split('.');
  for (let i = 0; i < labels.length; i++) {
    const name = labels.slice(i).join('.');
    const records = await resolver.caa(name);
    if (records.length === 0) continue;
    const critical = records.find((r) => r.critical & 128 && !KNOWN_TAGS.has(r.tag.toLowerCase()));
    if (critical) throw problem.caa(`CAA at ${name} has an unknown critical property "${critical.tag}"`);
    const issue = records.filter((r) => r.tag.toLowerCase() === 'issue');
    const issuewild = records.filter((r) => r.tag.toLowerCase() === 'issuewild');
    const relevant = wildcard && issuewild.length > 0 ? issuewild : issue;
    if (relevant.length === 0) return;
    if (relevant.some((r) => permits(r.value, ctx))) return;
    throw problem.caa(
      `CAA records at ${name} do not authorize this CA (${ctx.identities.join(', ') || 'no CAA identity configured'}) for this account and method`,
    );
  }
}
