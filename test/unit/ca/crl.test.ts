import { describe, expect, it } from 'vitest';
import { toPem } from '../../../ca/pki/pem.js';
import { makeCsr, openTestCa, openssl, opensslOk, testTemplate } from '../../helpers/pki.js';

describe('LocalCa CRL', () => {
  it('lists revoked serials with their reasons in a CRL that openssl verifies', async () => {
    let now = new Date('2030-06-01T12:00:00Z');
    const { ca } = await openTestCa({ now: () => now, crlValidityHours: 48 });
    const template = testTemplate({
      notBefore: new Date('2030-06-01T00:00:00Z'),
      notAfter: new Date('2030-07-01T00:00:00Z'),
    });
    const compromised = await ca.issue({ csrDer: makeCsr().der, template });
    const unspecified = await ca.issue({ csrDer: makeCsr().der, template });
    const kept = await ca.issue({ csrDer: makeCsr().der, template });

    const before = await ca.crl();
    expect(await ca.crl()).toBe(before);

    await ca.revoke(compromised.serialNumber, 1, new Date('2030-06-01T11:00:00Z'));
    await ca.revoke(unspecified.serialNumber.toUpperCase(), 0, new Date('2030-06-01T11:30:00Z'));
    // Idempotent: the second revocation of a serial changes nothing.
    await ca.revoke(compromised.serialNumber, 4, new Date('2030-06-01T11:45:00Z'));
    now = new Date('2030-06-01T12:00:10Z');
    const crl = await ca.crl();
    expect(crl).not.toEqual(before);

    const chain = ca.issuingCertificatePem + ca.rootCertificatePem;
    const result = openssl(
      ['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'chain.pem', '-verify', '-noout', '-text'],
      {
        files: { 'crl.der': crl, 'chain.pem': chain },
      },
    );
    expect(result.stderr).toContain('verify OK');
    expect(result.status).toBe(0);
    const text = result.stdout;
    expect(text).toContain('Version 2 (0x1)');
    expect(text).toContain('Issuer: CN = Test Gateway Issuing CA');
    expect(text).toContain('Last Update: Jun  1 12:00:10 2030 GMT');
    expect(text).toContain('Next Update: Jun  3 12:00:10 2030 GMT');
    expect(text).toMatch(/X509v3 CRL Number: *\n\s+\d+/);
    expect(text).toMatch(/X509v3 Authority Key Identifier: *\n\s+[0-9A-F:]{59}/);
    const entry = (serial: string): string => {
      const start = text.indexOf(`Serial Number: ${serial.toUpperCase()}`);
      expect(start).toBeGreaterThan(0);
      const rest = text.slice(start + 20);
      const next = rest.search(/Serial Number:|Signature Algorithm:/);
      return rest.slice(0, next);
    };
    expect(entry(compromised.serialNumber)).toContain('Revocation Date: Jun  1 11:00:00 2030 GMT');
    expect(entry(compromised.serialNumber)).toMatch(/CRL Reason Code: *\n\s+Key Compromise/);
    expect(entry(unspecified.serialNumber)).toContain('Revocation Date: Jun  1 11:30:00 2030 GMT');
    // §5.3.1: unspecified is expressed by leaving the reason out.
    expect(entry(unspecified.serialNumber)).not.toContain('CRL Reason Code');
    expect(text).not.toContain(kept.serialNumber.toUpperCase());

    // And openssl's own revocation check sees the leaf as revoked, the other as good.
    const check = (leafPem: string) =>
      openssl(
        [
          'verify',
          '-crl_check',
          '-CAfile',
          'root.pem',
          '-untrusted',
          'issuing.pem',
          '-CRLfile',
          'crl.pem',
          '-attime',
          String(Date.parse('2030-06-01T12:01:00Z') / 1000),
          'leaf.pem',
        ],
        {
          files: {
            'root.pem': ca.rootCertificatePem,
            'issuing.pem': ca.issuingCertificatePem,
            'crl.pem': toPem(crl, 'X509 CRL'),
            'leaf.pem': leafPem,
          },
        },
      );
    const revoked = check(compromised.pem);
    expect(revoked.status).not.toBe(0);
    expect(revoked.stdout + revoked.stderr).toContain('certificate revoked');
    expect(check(kept.pem).stdout).toContain('leaf.pem: OK');
  });

  it('serves a signed empty CRL and caches it for a minute', async () => {
    let now = new Date();
    const { ca } = await openTestCa({ now: () => now });
    const first = await ca.crl();
    const out = opensslOk(
      ['crl', '-inform', 'DER', '-in', 'crl.der', '-CAfile', 'chain.pem', '-verify', '-noout', '-text'],
      {
        files: { 'crl.der': first, 'chain.pem': ca.issuingCertificatePem + ca.rootCertificatePem },
      },
    );
    expect(out).toContain('No Revoked Certificates.');
    now = new Date(now.getTime() + 59_000);
    expect(await ca.crl()).toBe(first);
    now = new Date(now.getTime() + 2_000);
    const second = await ca.crl();
    expect(second).not.toBe(first);
    const number = (der: Uint8Array) =>
      opensslOk(['crl', '-inform', 'DER', '-in', 'crl.der', '-noout', '-crlnumber'], {
        files: { 'crl.der': der },
      });
    // crlNumber=0x01A1FFF0467A
    const value = (der: Uint8Array): bigint => BigInt(number(der).trim().split('=')[1] ?? 'x');
    expect(value(second)).toBeGreaterThan(value(first));
  });

  it('shares one signing between concurrent requests', async () => {
    const { ca } = await openTestCa();
    const [a, b] = await Promise.all([ca.crl(), ca.crl()]);
    expect(a).toBe(b);
  });

  it('rejects a serial number that is not hex', async () => {
    const { ca } = await openTestCa();
    await expect(ca.revoke('not-hex', 1, new Date())).rejects.toThrow(/invalid serial number/);
  });
});
