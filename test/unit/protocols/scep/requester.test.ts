/** Who may hear about a request (RFC 8894 §3.3.3): the recorded signer key, else the CSR's own key. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toPem } from '../../../../ca/pki/pem.js';
import { isRequester } from '../../../../protocols/scep/requester.js';
import type { EnrollmentRequest } from '../../../../src/core/enrollment/request.js';
import { makeCsr } from '../../../helpers/pki.js';
import { request as storedRequest } from '../../../integration/store/fixtures.js';

const csr = makeCsr({ key: 'rsa-2048', subject: 'CN=a.example' });
const csrKey = createHash('sha256')
  .update(csr.publicKey.export({ type: 'spki', format: 'der' }))
  .digest('hex');
const other = 'cd'.repeat(32);

function request(overrides: Partial<EnrollmentRequest>): EnrollmentRequest {
  return { ...storedRequest('profile-1'), csrPem: toPem(csr.der, 'CERTIFICATE REQUEST'), ...overrides };
}

describe('isRequester', () => {
  it.each([
    ['ok/the recorded signer key', request({ signerKeySha256: other }), other, true],
    ['fail/another key than the recorded one', request({ signerKeySha256: other }), csrKey, false],
    ['ok/no recorded key: the CSR key', request({ signerKeySha256: null }), csrKey, true],
    ['fail/no recorded key: another key than the CSR’s', request({ signerKeySha256: null }), other, false],
    [
      'fail/no recorded key and no CSR (an account request)',
      request({ signerKeySha256: null, csrPem: '' }),
      csrKey,
      false,
    ],
    [
      'fail/no recorded key and a stored CSR that does not parse',
      request({
        signerKeySha256: null,
        csrPem: '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n',
      }),
      csrKey,
      false,
    ],
    ['fail/a hash of another length', request({ signerKeySha256: other }), other.slice(2), false],
  ])('%s', (_name, stored, signerKeySha256, expected) => {
    expect(isRequester(stored, signerKeySha256)).toBe(expected);
  });
});
