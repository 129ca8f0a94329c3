import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LocalCa } from '../../../ca/local/local-ca.js';
import {
  certificateText,
  makeCsr,
  openTestCa,
  openssl,
  opensslOk,
  pemToDer,
  testTemplate,
} from '../../helpers/pki.js';

function verifyChain(ca: LocalCa, leafPem: string): string {
  return opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], {
    files: {
      'root.pem': ca.rootCertificatePem,
      'issuing.pem': ca.issuingCertificatePem,
      'leaf.pem': leafPem,
    },
  });
}

/** The hex of an X509v3 key identifier line following `heading` in `openssl x509 -text`. */
function keyIdAfter(text: string, heading: string): string {
  const match = new RegExp(`${heading}: *\\n\\s*(?:keyid:)?([0-9A-F:]+)`).exec(text);
  if (!match?.[1]) throw new Error(`no ${heading} in:\n${text}`);
  return match[1];
}

describe.each([
  { keyAlgorithm: 'ecdsa-p256' as const, signature: 'ecdsa-with-SHA256' },
  { keyAlgorithm: 'rsa-2048' as const, signature: 'sha256WithRSAEncryption' },
])('LocalCa with a $keyAlgorithm CA', ({ keyAlgorithm, signature }) => {
  let ca: LocalCa;

  beforeAll(async () => {
    ({ ca } = await openTestCa({ keyAlgorithm, organization: 'Example, Inc' }));
  });

  it('issues a certificate that openssl verifies up to the root, with every extension', async () => {
    const csr = makeCsr({ subject: 'CN=ignored' });
    const template = testTemplate({
      subject: 'CN=device-1.test.example, OU=Devices, O=Example\\, Inc, C=DE',
      dnsNames: ['device-1.test.example', 'alt.test.example'],
      ipAddresses: ['192.0.2.10', '2001:db8::1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
    });
    const issued = await ca.issue({ csrDer: csr.der, template });

    expect(verifyChain(ca, issued.pem)).toContain('leaf.pem: OK');
    const text = certificateText(issued.pem);
    expect(text).toContain(`Signature Algorithm: ${signature}`);
    expect(text).toMatch(/Subject: C = DE, O = "Example, Inc", OU = Devices, CN = device-1.test.example/);
    expect(text).toMatch(/Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(text).toMatch(
      /Extended Key Usage: *\n\s+TLS Web Server Authentication, TLS Web Client Authentication/,
    );
    expect(text).toMatch(
      /Subject Alternative Name: *\n\s+DNS:device-1.test.example, DNS:alt.test.example, IP Address:192.0.2.10, IP Address:2001:DB8:0:0:0:0:0:1/,
    );
    expect(text).toMatch(/CRL Distribution Points: *\n\s+Full Name:\s+URI:http:\/\/pki.test.example\/crl/);
    expect(text).toContain('CA Issuers - URI:http://pki.test.example/issuing-ca.crt');
    // AKI of the leaf is the SKI of the issuing CA (RFC 5280 §4.2.1.1).
    const issuingSki = keyIdAfter(certificateText(ca.issuingCertificatePem), 'Subject Key Identifier');
    expect(issuingSki).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    expect(keyIdAfter(text, 'Authority Key Identifier')).toBe(issuingSki);
    expect(keyIdAfter(text, 'Subject Key Identifier')).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);

    // The public key is the CSR's.
    const certKey = opensslOk(['x509', '-in', 'c.pem', '-noout', '-pubkey'], {
      files: { 'c.pem': issued.pem },
    });
    expect(certKey).toBe(csr.publicKey.export({ type: 'spki', format: 'pem' }));

    expect(issued).toMatchObject({
      subject: 'CN=device-1.test.example, OU=Devices, O=Example\\, Inc, C=DE',
      dnsNames: ['device-1.test.example', 'alt.test.example'],
      ipAddresses: ['192.0.2.10', '2001:db8::1'],
      notBefore: template.notBefore,
      notAfter: template.notAfter,
      chainPem: [ca.issuingCertificatePem, ca.rootCertificatePem],
    });
    expect(issued.der).toEqual(pemToDer(issued.pem));
  });

  it('writes the serial number and the validity of the template', async () => {
    const template = testTemplate({}, 397);
    const issued = await ca.issue({ csrDer: makeCsr().der, template });
    const out = opensslOk(
      ['x509', '-in', 'c.pem', '-noout', '-serial', '-startdate', '-enddate', '-dateopt', 'iso_8601'],
      {
        files: { 'c.pem': issued.pem },
      },
    );
    expect(out).toContain(`serial=${issued.serialNumber.toUpperCase()}`);
    const iso = (d: Date): string => d.toISOString().replace('T', ' ').replace('.000Z', 'Z');
    expect(out).toContain(`notBefore=${iso(template.notBefore)}`);
    expect(out).toContain(`notAfter=${iso(template.notAfter)}`);
  });
});

describe('LocalCa (ECDSA P-256)', () => {
  let ca: LocalCa;

  beforeAll(async () => {
    ({ ca } = await openTestCa({ rootValidityDays: 365 * 40, issuingValidityDays: 365 * 40 }));
  });

  it('gives 1000 certificates 1000 distinct positive serial numbers of 16 random octets', async () => {
    const csrDer = makeCsr().der;
    const template = testTemplate();
    const serials = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      serials.add((await ca.issue({ csrDer, template })).serialNumber);
    }
    expect(serials.size).toBe(1000);
    for (const serial of serials) {
      // 32 hex digits, first octet non-zero with the top bit clear: minimal DER, positive, ≥ 120 bits.
      expect(serial).toMatch(/^(0[1-9a-f]|[1-7][0-9a-f])[0-9a-f]{30}$/);
      expect(BigInt(`0x${serial}`) >= 2n ** 120n).toBe(true);
    }
  });

  it("takes the CSR's subject when the template has none", async () => {
    const csr = makeCsr({ subject: 'CN=from-csr, O=Csr Org' });
    const issued = await ca.issue({ csrDer: csr.der, template: testTemplate() });
    expect(issued.subject).toBe('CN=from-csr, O=Csr Org');
    expect(certificateText(issued.pem)).toContain('Subject: O = Csr Org, CN = from-csr');
  });

  it('marks the SAN critical when the subject is empty (RFC 5280 §4.2.1.6)', async () => {
    const issued = await ca.issue({ csrDer: makeCsr().der, template: testTemplate({ subject: '' }) });
    expect(issued.subject).toBe('');
    expect(verifyChain(ca, issued.pem)).toContain('OK');
    expect(certificateText(issued.pem)).toMatch(/Subject Alternative Name: critical\s+DNS:a.test.example/);
  });

  it('omits EKU when the template has none', async () => {
    const issued = await ca.issue({
      csrDer: makeCsr().der,
      template: testTemplate({ extendedKeyUsage: [] }),
    });
    expect(certificateText(issued.pem)).not.toContain('Extended Key Usage');
  });

  it('encodes dates from 2050 as GeneralizedTime and earlier ones as UTCTime (RFC 5280 §4.1.2.5)', async () => {
    const template = testTemplate({ notAfter: new Date('2050-01-01T00:00:00Z') });
    const issued = await ca.issue({ csrDer: makeCsr().der, template });
    const validity = AsnConvert.parse(issued.der, Certificate).tbsCertificate.validity;
    expect(validity.notBefore.utcTime).toEqual(template.notBefore);
    expect(validity.notAfter.generalTime).toEqual(new Date('2050-01-01T00:00:00Z'));
    expect(verifyChain(ca, issued.pem)).toContain('OK');
    const end = opensslOk(['x509', '-in', 'c.pem', '-noout', '-enddate'], { files: { 'c.pem': issued.pem } });
    expect(end).toContain('notAfter=Jan  1 00:00:00 2050 GMT');
  });

  it('gives each template its own key usages and purposes, one certificate after another', async () => {
    const csrDer = makeCsr().der;
    const server = await ca.issue({ csrDer, template: testTemplate() });
    const client = await ca.issue({
      csrDer,
      template: testTemplate({
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
      }),
    });
    const again = await ca.issue({ csrDer, template: testTemplate() });
    expect(certificateText(server.pem)).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(certificateText(server.pem)).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication\n/);
    expect(certificateText(client.pem)).toMatch(/Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(certificateText(client.pem)).toMatch(/Extended Key Usage:\s+TLS Web Client Authentication\n/);
    expect(certificateText(again.pem)).toMatch(/Extended Key Usage:\s+TLS Web Server Authentication\n/);
    for (const issued of [server, client, again]) expect(verifyChain(ca, issued.pem)).toContain('OK');
  });

  it('refuses what no CA may sign, with clear errors', async () => {
    const csrDer = makeCsr().der;
    for (const malformed of [
      new Uint8Array([1, 2, 3]),
      csrDer.subarray(0, 40),
      // A SEQUENCE holding an INTEGER where the CertificationRequestInfo belongs.
      new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00]),
    ]) {
      await expect(ca.issue({ csrDer: malformed, template: testTemplate() })).rejects.toThrow(
        /not a DER PKCS#10/,
      );
    }
    await expect(ca.issue({ csrDer, template: testTemplate({ keyUsage: ['keyCertSign'] }) })).rejects.toThrow(
      /reserved for CA certificates/,
    );
    await expect(
      ca.issue({ csrDer, template: testTemplate({ ipAddresses: ['300.1.1.1'] }) }),
    ).rejects.toThrow(/invalid IP address/);
    await expect(
      ca.issue({ csrDer, template: testTemplate({ notAfter: new Date('2099-01-01T00:00:00Z') }) }),
    ).rejects.toThrow(/later than the issuing CA/);
    await expect(ca.issue({ csrDer, template: testTemplate({ subject: '', dnsNames: [] }) })).rejects.toThrow(
      /subject or at least one subject alternative name/,
    );
    await expect(ca.issue({ csrDer, template: testTemplate({ subject: 'XX=1' }) })).rejects.toThrow(
      /unknown attribute type/,
    );
  });

  it('issues its own TLS server certificate with a fresh key', () => {
    const server = ca.issueServerCertificate(['gateway.test.example', '127.0.0.1', '::1'], 90);
    expect(verifyChain(ca, server.certPem)).toContain('OK');
    const text = certificateText(server.certPem);
    expect(text).toContain('Subject: CN = gateway.test.example');
    expect(text).toMatch(/DNS:gateway.test.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1/);
    expect(text).toMatch(/Extended Key Usage: *\n\s+TLS Web Server Authentication\n/);
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature\n/);
    expect(server.keyPem).toContain('-----BEGIN PRIVATE KEY-----');
    const keyPub = opensslOk(['pkey', '-in', 'k.pem', '-pubout'], { files: { 'k.pem': server.keyPem } });
    const certPub = opensslOk(['x509', '-in', 'c.pem', '-noout', '-pubkey'], {
      files: { 'c.pem': server.certPem },
    });
    expect(keyPub).toBe(certPub);
    expect(server).toMatchObject({
      subject: 'CN=gateway.test.example',
      dnsNames: ['gateway.test.example'],
      ipAddresses: ['127.0.0.1', '::1'],
      chainPem: ca.caChain(),
    });
    expect(server.notAfter.getTime() - server.notBefore.getTime()).toBe(90 * 86_400_000 + 60_000);
  });

  it('builds CA certificates as RFC 5280 §4.2.1.9 and §4.2.1.3 want them', () => {
    const root = certificateText(ca.rootCertificatePem);
    expect(root).toMatch(/Issuer: CN = Test Gateway Root CA\s/);
    expect(root).toMatch(/Subject: CN = Test Gateway Root CA\s/);
    expect(root).toMatch(/Basic Constraints: critical\s+CA:TRUE\n/);
    expect(root).toMatch(/Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    const issuing = certificateText(ca.issuingCertificatePem);
    expect(issuing).toMatch(/Subject: CN = Test Gateway Issuing CA\s/);
    expect(issuing).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    expect(keyIdAfter(issuing, 'Authority Key Identifier')).toBe(keyIdAfter(root, 'Subject Key Identifier'));
    expect(issuing).not.toContain('Extended Key Usage');
    const verified = openssl(['verify', '-CAfile', 'root.pem', 'issuing.pem'], {
      files: { 'root.pem': ca.rootCertificatePem, 'issuing.pem': ca.issuingCertificatePem },
    });
    expect(verified.stdout).toContain('issuing.pem: OK');
    expect(ca.caChain()).toEqual([ca.issuingCertificatePem, ca.rootCertificatePem]);
    expect(ca.rootCertificateDer).toEqual(pemToDer(ca.rootCertificatePem));
    expect(ca.issuingCertificateDer).toEqual(pemToDer(ca.issuingCertificatePem));
  });
});
