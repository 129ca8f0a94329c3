/** The SCEP RA certificate the local CA makes on first use (RFC 8894 §2.1), stored like the CA keys. */
import { afterAll, describe, expect, it } from 'vitest';
import { LocalCa } from '../../../ca/local/local-ca.js';
import { dialects, testStore, type TestStore } from '../../helpers/db.js';
import { certificateText, opensslOk } from '../../helpers/pki.js';

describe.each(dialects)('the SCEP RA certificate on %s', (dialect) => {
  const stores: TestStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.cleanup();
  });

  const open = (store: TestStore) =>
    LocalCa.open({
      store: store.store.caStore,
      passphrase: 'ra test passphrase',
      keyAlgorithm: 'ecdsa-p256',
      commonName: 'RA Test',
      rootValidityDays: 3650,
      issuingValidityDays: 1825,
      crlValidityHours: 24,
      crlUrl: 'http://pki.test/crl',
      caIssuersUrl: 'http://pki.test/ca.crt',
    });

  it('When the CA is opened twice on one store (two instances), Then both get the same RSA RA, issued by the ECDSA issuing CA', async () => {
    const store = await testStore(dialect);
    stores.push(store);
    const [a, b] = [await open(store), await open(store)];
    const [raA, raB] = await Promise.all([a.scepRa(), b.scepRa()]);
    expect(raB.certificatePem).toBe(raA.certificatePem);
    expect(raA.privateKey.asymmetricKeyType).toBe('rsa');
    expect(raA.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const text = certificateText(raA.certificatePem);
    expect(text).toMatch(/Digital Signature, Key Encipherment/);
    expect(text).toMatch(/Subject: CN ?= ?RA Test SCEP RA/);
    expect(
      opensslOk(['verify', '-CAfile', 'chain.pem', 'ra.pem'], {
        files: { 'chain.pem': a.caChain().join(''), 'ra.pem': raA.certificatePem },
      }),
    ).toMatch(/OK/);
    const stored = await store.store.caStore.loadRaMaterial();
    expect(stored?.keyPem).toMatch(/BEGIN ENCRYPTED PRIVATE KEY/);
  });
});
