import { describe, expect, it } from 'vitest';
import { checkDomainPolicy } from '../../../src/core/policy/domain-policy.js';

const strict = {
  allowedSuffixes: ['example.com', '.corp.example'],
  allowWildcards: false,
  allowIpAddresses: false,
};
const open = { allowedSuffixes: [], allowWildcards: true, allowIpAddresses: true };

describe('domain policy', () => {
  it.each([
    ['ok/exact suffix', strict, ['example.com'], [], []],
    ['ok/sub-domain', strict, ['a.b.example.com'], [], []],
    ['ok/suffix written with a dot', strict, ['host.corp.example'], [], []],
    ['ok/open policy wildcard and IP', open, ['*.anything.test'], ['2001:db8::1'], []],
    ['fail/suffix is not label-aligned', strict, ['badexample.com'], [], ['suffix_not_allowed']],
    ['fail/wildcard', strict, ['*.example.com'], [], ['wildcards_not_allowed']],
    ['fail/IP', strict, [], ['192.0.2.1'], ['ip_not_allowed']],
    ['fail/not an IP', open, [], ['300.1.1.1'], ['ip_syntax']],
    ['fail/bad label', open, ['-bad.example.com'], [], ['dns_name_syntax']],
    ['fail/inner wildcard', open, ['a.*.example.com'], [], ['dns_name_syntax']],
    ['fail/label too long', open, [`${'a'.repeat(64)}.example.com`], [], ['dns_name_syntax']],
    [
      'fail/each refusal is listed',
      strict,
      ['x.example.org', '*.example.com'],
      ['10.1.1.1'],
      ['suffix_not_allowed', 'wildcards_not_allowed', 'ip_not_allowed'],
    ],
  ] as const)('%s', (_name, policy, dnsNames, ipAddresses, rules) => {
    const findings = checkDomainPolicy(
      { ...policy, allowedSuffixes: [...policy.allowedSuffixes] },
      { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] },
    );
    expect(findings.map((f) => f.rule)).toEqual(rules);
  });
});
