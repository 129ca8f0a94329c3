import { describe, expect, it } from 'vitest';
import { CaPassphraseError } from '../../../ca/local/keys.js';
import { LocalCa } from '../../../ca/local/local-ca.js';
import {
  MemoryCaStore,
  certificateText,
  makeCsr,
  openTestCa,
  openssl,
  opensslOk,
  testTemplate,
} from '../../helpers/pki.js';

describe('LocalCa persistence', () => {
  it('creates the CA once and reopens the same one from the store', async () => {
    const { ca: first, store, options } = await openTestCa();
    const second = await LocalCa.open(options);
    expect(second.rootCertificatePem).toBe(first.rootCertificatePem);
    expect(second.issuingCertificatePem).toBe(first.issuingCertificatePem);
    expect((store as MemoryCaStore).saveAttempts).toBe(1);
    // The reopened CA signs with the stored issuing key: the chain of the first CA verifies it.
    const issued = await second.issue({ csrDer: makeCsr().der, template: testTemplate() });
    const out = opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], {
      files: {
        'root.pem': first.rootCertificatePem,
        'issuing.pem': first.issuingCertificatePem,
        'leaf.pem': issued.pem,
      },
    });
    expect(out).toContain('leaf.pem: OK');
  });

  it('fails with a clear message when the passphrase does not decrypt the stored keys', async () => {
    const { options } = await openTestCa();
    const opening = LocalCa.open({ ...options, passphrase: 'not the passphrase' });
    await expect(opening).rejects.toBeInstanceOf(CaPassphraseError);
    await expect(opening).rejects.toThrow(/^The CA passphrase does not decrypt the stored root CA key/);
  });

  it('settles two concurrent first starts on one CA', async () => {
    const store = new MemoryCaStore(20);
    const { options } = await openTestCa({ store: new MemoryCaStore() });
    const [a, b] = await Promise.all([
      LocalCa.open({ ...options, store }),
      LocalCa.open({ ...options, store }),
    ]);
    expect(store.saveAttempts).toBe(2);
    expect(a.rootCertificatePem).toBe(b.rootCertificatePem);
    expect(a.issuingCertificatePem).toBe(b.issuingCertificatePem);
    expect(a.rootCertificatePem).toBe(store.material?.rootCertPem);
    // The loser signs with the winner's issuing key.
    const issued = await b.issue({ csrDer: makeCsr().der, template: testTemplate() });
    const out = opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], {
      files: {
        'root.pem': a.rootCertificatePem,
        'issuing.pem': a.issuingCertificatePem,
        'leaf.pem': issued.pem,
      },
    });
    expect(out).toContain('OK');
  });

  it('stores the keys only encrypted under the passphrase', async () => {
    const { store, options } = await openTestCa();
    const material = (store as MemoryCaStore).material;
    if (!material) throw new Error('no material saved');
    for (const keyPem of [material.rootKeyPem, material.issuingKeyPem]) {
      expect(keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----\n/);
      expect(keyPem).not.toContain('BEGIN PRIVATE KEY');
      const wrong = openssl(['pkey', '-in', 'k.pem', '-passin', 'pass:wrong', '-noout'], {
        files: { 'k.pem': keyPem },
      });
      expect(wrong.status).not.toBe(0);
      const empty = openssl(['pkey', '-in', 'k.pem', '-passin', 'pass:', '-noout'], {
        files: { 'k.pem': keyPem },
      });
      expect(empty.status).not.toBe(0);
      const info = opensslOk(['asn1parse', '-in', 'k.pem'], { files: { 'k.pem': keyPem } });
      expect(info).toContain('PBES2');
      expect(info).toContain('aes-256-cbc');
    }
    const right = opensslOk(['pkey', '-in', 'k.pem', '-passin', `pass:${options.passphrase}`, '-pubout'], {
      files: { 'k.pem': material.issuingKeyPem },
    });
    const certKey = opensslOk(['x509', '-in', 'c.pem', '-noout', '-pubkey'], {
      files: { 'c.pem': material.issuingCertPem },
    });
    expect(right).toBe(certKey);
    const everything = JSON.stringify(material);
    expect(everything).not.toContain(options.passphrase);
    expect(everything).not.toContain(Buffer.from(options.passphrase).toString('base64'));
  });

  it('refuses stored keys that do not belong to the stored certificates', async () => {
    const { store, options } = await openTestCa();
    const material = (store as MemoryCaStore).material;
    if (!material) throw new Error('no material saved');
    const swapped = new MemoryCaStore();
    swapped.material = {
      ...material,
      rootKeyPem: material.issuingKeyPem,
      issuingKeyPem: material.rootKeyPem,
    };
    await expect(LocalCa.open({ ...options, store: swapped })).rejects.toThrow(
      /stored root CA key does not belong to the stored root CA certificate/,
    );
  });

  it('rejects an empty passphrase and inconsistent validity settings', async () => {
    await expect(openTestCa({ passphrase: '' })).rejects.toThrow(/passphrase must not be empty/);
    await expect(openTestCa({ rootValidityDays: 10, issuingValidityDays: 20 })).rejects.toThrow(
      /issuingValidityDays must not exceed rootValidityDays/,
    );
    await expect(openTestCa({ crlValidityHours: 0 })).rejects.toThrow(
      /crlValidityHours must be a positive number/,
    );
  });

  it('creates ECDSA P-384 CAs that sign with SHA-384, named after commonName and organization', async () => {
    const { ca } = await openTestCa({
      keyAlgorithm: 'ecdsa-p384',
      commonName: 'Acme PKI',
      organization: 'Acme',
    });
    const issued = await ca.issue({ csrDer: makeCsr().der, template: testTemplate() });
    const text = certificateText(issued.pem);
    expect(text).toContain('Signature Algorithm: ecdsa-with-SHA384');
    expect(text).toContain('Issuer: O = Acme, CN = Acme PKI Issuing CA');
    expect(certificateText(ca.rootCertificatePem)).toContain('Subject: O = Acme, CN = Acme PKI Root CA');
    const out = opensslOk(['verify', '-CAfile', 'root.pem', '-untrusted', 'issuing.pem', 'leaf.pem'], {
      files: {
        'root.pem': ca.rootCertificatePem,
        'issuing.pem': ca.issuingCertificatePem,
        'leaf.pem': issued.pem,
      },
    });
    expect(out).toContain('OK');
  });

  it("uses 'Enrollment Gateway' as the default CA name", async () => {
    const { ca } = await openTestCa({ commonName: undefined });
    expect(certificateText(ca.rootCertificatePem)).toContain('Subject: CN = Enrollment Gateway Root CA');
  });
});
