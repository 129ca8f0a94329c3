import { describe, expect, it } from 'vitest';
import { CoreError } from '../../../src/core/errors.js';
import { suffixSyntaxProblem } from '../../../src/core/policy/domain-policy.js';
import { defaultProfileSettings } from '../../../src/core/profiles/profile.js';
import { mergeProfileSettings, settingsFrom } from '../../../src/core/profiles/settings.js';

describe('profile settings merge', () => {
  it('When a group is given in part, Then its other keys keep the base values; lists and values replace', () => {
    const base = defaultProfileSettings();
    const merged = mergeProfileSettings(base, {
      approval: { required: true },
      scep: { allowDes: true },
      keyUsage: ['digitalSignature'],
      validityDays: 30,
    });
    expect(merged.approval).toEqual({ ...base.approval, required: true });
    expect(merged.scep).toEqual({ ...base.scep, allowDes: true });
    expect(merged.keyUsage).toEqual(['digitalSignature']);
    expect(merged.validityDays).toBe(30);
    expect(merged.domainPolicy).toEqual(base.domainPolicy);
    // The base is not changed in place.
    expect(base.approval.required).toBe(false);
  });

  it('When a suffix is not a domain name, Then invalid_input names its path', () => {
    const base = defaultProfileSettings();
    let error: unknown;
    try {
      settingsFrom(base, { domainPolicy: { allowedSuffixes: ['corp.example', 'corp..example'] } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CoreError);
    expect(error).toMatchObject({
      code: 'invalid_input',
      message: 'settings.domainPolicy.allowedSuffixes.1: "corp..example" has an empty label',
      details: { issues: [{ path: 'settings.domainPolicy.allowedSuffixes.1' }] },
    });
  });
});

describe('allowed suffix syntax', () => {
  it.each([
    ['ok/LDH', 'corp.example.com', false],
    ['ok/upper case', 'Corp.Example.COM', false],
    ['ok/leading dot', '.corp.example', false],
    ['ok/single label', 'example', false],
    ['ok/digits-first labels', '192.0.2.0', false],
    ['ok/A-label', 'xn--bcher-kva.example', false],
    ['ok/wildcard where allowed', '*.corp.example', true],
    ['ok/63-character label', `${'a'.repeat(63)}.example`, false],
  ])('%s', (_, suffix, wildcards) => {
    expect(suffixSyntaxProblem(suffix, wildcards)).toBeNull();
  });

  it.each([
    ['fail/empty label', 'corp..example', 'has an empty label'],
    ['fail/trailing dot', 'corp.example.', 'has an empty label'],
    ['fail/only a dot', '.', 'is not a domain name of 1 to 253 characters'],
    ['fail/wildcard not allowed', '*.corp.example', 'does not allow wildcards'],
    ['fail/wildcard inside', 'a*.example', '"*" may only be the whole first label'],
    ['fail/wildcard deeper', 'a.*.example', '"*" may only be the whole first label'],
    ['fail/underscore', 'corp_x.example', 'not letters, digits and inner hyphens'],
    ['fail/leading hyphen', '-corp.example', 'not letters, digits and inner hyphens'],
    ['fail/space', 'corp example', 'not letters, digits and inner hyphens'],
    ['fail/U-label', 'bücher.example', 'is not written in A-labels (write "xn--bcher-kva.example")'],
    ['fail/invalid A-label', 'xn--abc.example', 'is not a valid A-label'],
    ['fail/64-character label', `${'a'.repeat(64)}.example`, 'longer than 63 characters'],
    ['fail/too long', `${'a.'.repeat(127)}ab`, '1 to 253 characters'],
    ['fail/control character', 'corp\u0000.example', 'control character (U+0000) at position 5'],
  ])('%s', (_, suffix, problem) => {
    expect(suffixSyntaxProblem(suffix, false)).toContain(problem);
  });
});
