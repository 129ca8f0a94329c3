import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCsr, toPem } from '../../../../src/core/csr/build.js';
import { CoreError } from '../../../../src/core/errors.js';
import { makeCsr, makeKeyPair, openssl, opensslOk, type TestKeyType } from '../../../helpers/pki.js';

function expectInvalidInput(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('invalid_input');
    expect((error as CoreError).message).toMatch(message);
    return;
  }
  throw new Error('expected an invalid_input CoreError');
}

describe('buildCsr', () => {
  it.each<[TestKeyType, string]>([
    ['ec-p256', 'ecdsa-with-SHA256'],
    ['rsa-2048', 'sha256WithRSAEncryption'],
    ['ed25519', 'ED25519'],
  ])('writes a %s request that openssl verifies and reads', (keyType, algorithm) => {
    const csr = makeCsr({
      key: keyType,
      subject: 'CN=p12-user, OU=Staff, O=Example',
      dnsNames: ['user.example.com'],
      ipAddresses: ['2001:db8::10', '10.0.0.10'],
      challengePassword: 'Pass word 1',
    });
    const result = openssl(['req', '-in', 'csr.der', '-inform', 'DER', '-verify', '-noout', '-text'], {
      files: { 'csr.der': csr.der },
    });
    expect(result.stderr + result.stdout).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Subject: O = Example, OU = Staff, CN = p12-user');
    expect(result.stdout).toContain(`Signature Algorithm: ${algorithm}`);
    expect(result.stdout).toMatch(/challengePassword\s*:Pass word 1/);
    expect(result.stdout).toMatch(
      /Subject Alternative Name: *\n\s+DNS:user.example.com, IP Address:2001:DB8:0:0:0:0:0:10, IP Address:10.0.0.10/,
    );
  });

  it('writes strict DER with sorted attributes and PEM with 64-column lines', () => {
    const csr = makeCsr({ dnsNames: ['a.example'], challengePassword: 'p' });
    const structure = opensslOk(['asn1parse', '-inform', 'DER', '-in', 'csr.der'], {
      files: { 'csr.der': csr.der },
    });
    // SET OF Attribute in DER order: the shorter challengePassword SEQUENCE sorts first.
    expect(structure.indexOf(':challengePassword')).toBeLessThan(structure.indexOf(':Extension Request'));
    expect(structure).toMatch(/PRINTABLESTRING\s*:p/);
    const lines = toPem(csr.der, 'CERTIFICATE REQUEST').trimEnd().split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE REQUEST-----');
    expect(lines.at(-1)).toBe('-----END CERTIFICATE REQUEST-----');
    expect(lines.slice(1, -2).every((line) => line.length === 64)).toBe(true);
  });

  it('writes a UTF8String challengePassword when PrintableString cannot hold it, and an empty subject', () => {
    const csr = makeCsr({ subject: '', dnsNames: ['only-san.example'], challengePassword: 'pässwörd_1' });
    const structure = opensslOk(['asn1parse', '-inform', 'DER', '-in', 'csr.der'], {
      files: { 'csr.der': csr.der },
    });
    expect(structure).toMatch(/UTF8STRING\s*:p/);
    const text = opensslOk(['req', '-in', 'csr.der', '-inform', 'DER', '-noout', '-text'], {
      files: { 'csr.der': csr.der },
    });
    expect(text).toMatch(/Subject Alternative Name: critical/);
  });

  it('refuses inputs it cannot encode, as invalid_input', () => {
    const keys = makeKeyPair();
    expectInvalidInput(
      () => buildCsr({ ...keys, subject: 'NOPE=x' }),
      /Invalid subject: unknown attribute type/,
    );
    expectInvalidInput(
      () => buildCsr({ ...keys, subject: 'CN=x', ipAddresses: ['1.2.3.4.5'] }),
      /Invalid IP address/,
    );
    expectInvalidInput(() => buildCsr({ ...keys, subject: 'CN=x', dnsNames: ['bücher.example'] }), /A-label/);
    expectInvalidInput(() => buildCsr({ ...keys, subject: 'CN=x', challengePassword: '' }), /1 to 255/);
    expectInvalidInput(
      () => buildCsr({ privateKey: keys.privateKey, publicKey: makeKeyPair().publicKey, subject: 'CN=x' }),
      /does not belong/,
    );
    const x25519 = generateKeyPairSync('x25519');
    expectInvalidInput(() => buildCsr({ ...x25519, subject: 'CN=x' }), /x25519 key/);
  });
});
