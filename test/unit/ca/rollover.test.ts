/**
 * Rollover of the issuing CA certificate: the same key and subject re-certified by the root with a
 * new validity, published as the next chain, then made current. Checked with openssl and node:crypto.
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LocalCa } from '../../../ca/local/local-ca.js';
import { makeCsr, openTestCa, opensslOk, testTemplate } from '../../helpers/pki.js';

const DAY_MS = 86_400_000;

describe('issuing CA rollover', () => {
  it('When a rollover is prepared, Then the next chain holds the issuing key and subject re-certified by the root, valid for longer', async () => {
    const { ca } = await openTestCa({ issuingValidityDays: 365 });
    expect(await ca.nextChain()).toBeNull();
    const current = new X509Certificate(ca.issuingCertificatePem);
    const root = new X509Certificate(ca.rootCertificatePem);

    const pem = await ca.prepareRollover(730);
    const chain = await ca.nextChain();
    expect(chain).toEqual([pem, ca.rootCertificatePem]);
    const next = new X509Certificate(pem);
    expect(next.subject).toBe(current.subject);
    expect(next.issuer).toBe(root.subject);
    expect(next.serialNumber).not.toBe(current.serialNumber);
    expect(next.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      current.publicKey.export({ type: 'spki', format: 'der' }),
    );
    expect(next.verify(root.publicKey)).toBe(true);
    expect(Date.parse(next.validTo) - Date.now()).toBeGreaterThan(729 * DAY_MS);
    expect(Date.parse(next.validTo)).toBeGreaterThan(Date.parse(current.validTo));
    const text = opensslOk(['x509', '-in', 'n.pem', '-noout', '-text'], { files: { 'n.pem': pem } });
    expect(text).toMatch(/CA:TRUE, pathlen:0/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    opensslOk(['verify', '-CAfile', 'root.pem', 'n.pem'], {
      files: { 'root.pem': ca.rootCertificatePem, 'n.pem': pem },
    });
    // Current chains are untouched until activation.
    expect(ca.caChain()[0]).toBe(ca.issuingCertificatePem);
  });

  it('When it is activated, Then certificates issued before and after chain to the new certificate, here and after a restart', async () => {
    const { ca, options } = await openTestCa();
    const before = await ca.issue({ csrDer: makeCsr().der, template: testTemplate() });
    const pem = await ca.prepareRollover();
    expect(await ca.activateRollover()).toBe(pem);
    expect(await ca.nextChain()).toBeNull();
    expect(ca.caChain()).toEqual([pem, ca.rootCertificatePem]);
    const after = await ca.issue({ csrDer: makeCsr().der, template: testTemplate() });
    expect(after.chainPem[0]).toBe(pem);
    for (const issued of [before, after]) {
      opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'next.pem', 'leaf.pem'], {
        files: { 'root.pem': ca.rootCertificatePem, 'next.pem': pem, 'leaf.pem': issued.pem },
      });
    }
    const reopened = await LocalCa.open(options);
    expect(reopened.caChain()).toEqual([pem, ca.rootCertificatePem]);
    // One signer for old and new: the CRL verifies under the new certificate.
    const crl = Buffer.from(await reopened.crl()).toString('base64');
    opensslOk(['crl', '-inform', 'PEM', '-in', 'c.pem', '-CAfile', 'next.pem', '-noout'], {
      files: { 'c.pem': `-----BEGIN X509 CRL-----\n${crl}\n-----END X509 CRL-----\n`, 'next.pem': pem },
    });
  });

  it('When nothing is prepared, Then activation does nothing; a second prepare replaces the first', async () => {
    const { ca } = await openTestCa();
    expect(await ca.activateRollover()).toBeNull();
    const first = await ca.prepareRollover();
    const second = await ca.prepareRollover();
    expect(second).not.toBe(first);
    expect((await ca.nextChain())?.[0]).toBe(second);
  });

  it('When the root expires no later than the current issuing certificate, Then the rollover is refused', async () => {
    const { ca } = await openTestCa({ rootValidityDays: 365, issuingValidityDays: 365 });
    await expect(ca.prepareRollover()).rejects.toThrow(/renew the root first/);
    expect(await ca.nextChain()).toBeNull();
  });
});
