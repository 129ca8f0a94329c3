/**
 * Identifiers of newOrder and newAuthz: dns (§9.7.7) and ip (RFC 8738), normalized, checked
 * against the profile's domain policy, each refusal reported as a subproblem (§6.7.1).
 */
import { isIP } from 'node:net';
import { bytesToIp, ipToBytes } from '../../../ca/pki/ip.js';
import { checkDomainPolicy, isDnsName } from '../../../src/core/policy/domain-policy.js';
import { nameTextError } from '../../../src/core/policy/name-text.js';
import type { Profile } from '../../../src/core/profiles/profile.js';
import { problem, subproblem, type ProblemDocument } from '../problems.js';
import type { Identifier } from '../store.js';

function normalize(raw: unknown): Identifier | ProblemDocument {
  if (!raw || typeof raw !== 'object') throw problem.malformed('Each identifier must be an object');
  const { type, value } = raw as Record<string, unknown>;
  if (typeof type !== 'string' || typeof value !== 'string')
    throw problem.malformed('Each identifier needs a type and a value');
  // Before any syntax rule: the core's verdict on the characters, naming the position, not the character.
  const refused = nameTextError('The identifier', value);
  if (refused) return subproblem('rejectedIdentifier', { type, value }, refused.message);
  if (type === 'dns') {
    const name = value.toLowerCase().replace(/\.$/, '');
    const base = name.startsWith('*.') ? name.slice(2) : name;
    if (!isDnsName(base) || isIP(base))
      return subproblem('rejectedIdentifier', { type, value }, `"${value}" is not a valid DNS name`);
    return { type: 'dns', value: name };
  }
  if (type === 'ip') {
    const bytes = ipToBytes(value);
    const canonical = bytes ? bytesToIp(bytes) : null;
    if (!canonical)
      return subproblem('rejectedIdentifier', { type, value }, `"${value}" is not an IP address`);
    return { type: 'ip', value: canonical };
  }
  return subproblem('unsupportedIdentifier', { type, value }, `Identifier type "${type}" is not supported`);
}

/** The request's identifiers, deduplicated, or a rejectedIdentifier/compound problem listing every refusal. */
export function parseIdentifiers(raw: unknown, profile: Profile, max: number): Identifier[] {
  if (!Array.isArray(raw) || raw.length === 0)
    throw problem.malformed('identifiers must be a non-empty array');
  if (raw.length > max) throw problem.rejectedIdentifier(`At most ${max} identifiers per order`);
  const results = raw.map(normalize);
  const refusals: ProblemDocument[] = results.filter((r): r is ProblemDocument => 'detail' in r);
  const identifiers = results.filter((r): r is Identifier => !('detail' in r));
  for (const finding of checkDomainPolicy(profile.domainPolicy, {
    dnsNames: identifiers.filter((i) => i.type === 'dns').map((i) => i.value),
    ipAddresses: identifiers.filter((i) => i.type === 'ip').map((i) => i.value),
  })) {
    const identifier = identifiers.find((i) => i.value === finding.subject) ?? {
      type: 'dns',
      value: finding.subject,
    };
    refusals.push(subproblem('rejectedIdentifier', identifier, finding.message));
  }
  if (refusals.length > 0) {
    const first = refusals[0];
    const type =
      refusals.every((r) => r.type === first?.type) && first?.type.endsWith('unsupportedIdentifier')
        ? 'unsupportedIdentifier'
        : 'rejectedIdentifier';
    throw problem[type](
      refusals.length === 1 ? first?.detail : 'Some identifiers are refused; see subproblems',
      {
        extra: { subproblems: refusals },
      },
    );
  }
  const seen = new Set<string>();
  return identifiers.filter((i) => {
    const key = `${i.type}:${i.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
