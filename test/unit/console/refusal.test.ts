import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/admin/console/src/api/client.js';
import { namesField, refusalOf } from '../../../src/admin/console/src/enroll/refusal.js';

describe('a refused enrolment as the Enroll page shows it', () => {
  it('When the API refuses a name by the domain policy, Then the rule and the name are read from its details', () => {
    const error = new ApiError(422, 'domain_policy', '"evil.example.org" is not under an allowed domain', {
      rule: 'suffix_not_allowed',
      name: 'evil.example.org',
      findings: [],
      requestId: 'r1',
    });
    expect(refusalOf(error)).toEqual({ rule: 'suffix_not_allowed', name: 'evil.example.org' });
  });

  it('When an error names no rule, Then there is no refusal line (the message and code are shown alone)', () => {
    expect(refusalOf(new ApiError(422, 'bad_csr', 'The CSR is neither PEM nor base64 DER'))).toBeNull();
    expect(refusalOf(new ApiError(422, 'key_policy', 'too small', { rule: 'rsa_too_small' }))).toEqual({
      rule: 'rsa_too_small',
      name: null,
    });
  });

  it('When DNS names are typed comma-separated, Then blanks and spaces are dropped', () => {
    expect(namesField(' a.example.test, ,b.example.test ,')).toEqual(['a.example.test', 'b.example.test']);
    expect(namesField('  ')).toEqual([]);
  });
});
