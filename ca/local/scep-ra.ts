/**
 * The SCEP RA certificate (RFC 8894 §2.1, §3.5.1): an RSA key with keyEncipherment and
 * digitalSignature, issued by the issuing CA, so that SCEP clients (which only do RSA key transport)
 * can encrypt to it while the issuing CA itself stays ECDSA. Created on first use and shared through
 * the store by every instance, like the CA keys; on a race the loser adopts the winner's.
 */
import { createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import type { CaCertificate } from './bootstrap.js';
import { endEntityExtensions, signCertificate } from './certificate-builder.js';
import { keyIdentifier } from './extensions.js';
import { exportEncryptedPrivateKey, importEncryptedPrivateKey, type CaSigner } from './keys.js';
import { escapeDnValue, parseDn } from '../pki/names.js';
import { fromPem } from '../pki/pem.js';
import { generateSerialNumber } from './serial.js';
import type { LocalCaStore, StoredRaMaterial } from './store.js';

/** The RA certificate and its decrypted key, ready for the SCEP face. */
export interface ScepRaMaterial {
  certificatePem: string;
  privateKey: KeyObject;
}

const generateRsa = promisify(generateKeyPair);
const BACKDATE_MS = 3_600_000;

export interface ScepRaOptions {
  store: LocalCaStore;
  passphrase: string;
  commonName: string;
  issuing: CaCertificate;
  issuingSigner: CaSigner;
  crlUrl: string;
  caIssuersUrl: string;
  now: () => Date;
}

/** Loads the RA certificate, creating it (RSA-2048, valid as long as the issuing CA) on first use. */
export async function openScepRa(options: ScepRaOptions): Promise<ScepRaMaterial> {
  const stored = await options.store.loadRaMaterial();
  if (stored) return decryptRa(stored, options.passphrase);
  const created = await createRa(options);
  if (await options.store.saveRaMaterial(created)) return decryptRa(created, options.passphrase);
  const winner = await options.store.loadRaMaterial();
  if (!winner) throw new Error('the CA store refused to save the SCEP RA certificate but holds none');
  return decryptRa(winner, options.passphrase);
}

async function createRa(options: ScepRaOptions): Promise<StoredRaMaterial> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const now = options.now();
  const subject = parseDn(`CN=${escapeDnValue(`${options.commonName} SCEP RA`)}`);
  const signed = signCertificate(
    {
      serial: generateSerialNumber(),
      issuer: options.issuing.certificate.tbsCertificate.subject,
      subject,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter: options.issuing.certificate.tbsCertificate.validity.notAfter.getTime(),
      spki,
      // macOS picks the wrong recipient unless the RA has both bits (step-ca#746).
      extensions: endEntityExtensions({
        subjectIsEmpty: false,
        dnsNames: [],
        ipAddresses: [],
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsage: [],
        subjectKeyId: keyIdentifier(spki),
        issuerKeyId: options.issuing.keyId,
        crlUrl: options.crlUrl,
        caIssuersUrl: options.caIssuersUrl,
      }),
    },
    options.issuingSigner,
  );
  return {
    certPem: signed.pem,
    keyPem: exportEncryptedPrivateKey(privateKey, options.passphrase),
    createdAt: now,
  };
}

function decryptRa(stored: StoredRaMaterial, passphrase: string): ScepRaMaterial {
  const certificate = AsnConvert.parse(fromPem(stored.certPem, 'CERTIFICATE'), Certificate);
  const privateKey = importEncryptedPrivateKey(stored.keyPem, passphrase, 'SCEP RA');
  const fromKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const fromCert = Buffer.from(AsnConvert.serialize(certificate.tbsCertificate.subjectPublicKeyInfo));
  if (!fromKey.equals(fromCert)) throw new Error('the stored SCEP RA key does not belong to its certificate');
  return { certificatePem: stored.certPem, privateKey };
}
