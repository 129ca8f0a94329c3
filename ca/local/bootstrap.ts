/**
 * Creating the CA on first start, loading it afterwards. The store is shared by every gateway
 * instance, so creation is a race that `saveMaterial` settles: the loser adopts the winner's CA.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
import { caExtensions, signCertificate } from './certificate-builder.js';
import { keyIdentifier } from './extensions.js';
import {
  exportEncryptedPrivateKey,
  generateCaKeyPair,
  importEncryptedPrivateKey,
  signerFor,
  type CaKeyAlgorithm,
  type CaSigner,
} from './keys.js';
import { escapeDnValue, parseDn } from '../pki/names.js';
import { fromPem } from '../pki/pem.js';
import { generateSerialNumber } from './serial.js';
import type { LocalCaStore, StoredCaMaterial } from './store.js';

/** A CA certificate with the values the CA keeps reusing. */
export interface CaCertificate {
  der: Uint8Array;
  pem: string;
  certificate: Certificate;
  /** The certificate's subject key identifier: what AKI in certificates it signs points to. */
  keyId: Uint8Array;
}

/** The CA as it runs: both certificates, and the issuing key ready to sign. */
export interface LoadedCaMaterial {
  root: CaCertificate;
  issuing: CaCertificate;
  issuingSigner: CaSigner;
  createdAt: Date;
}

/** What creating a CA needs. */
export interface BootstrapOptions {
  store: LocalCaStore;
  passphrase: string;
  keyAlgorithm: CaKeyAlgorithm;
  commonName: string;
  organization?: string;
  rootValidityDays: number;
  issuingValidityDays: number;
  now: () => Date;
}

const DAY_MS = 86_400_000;
/**
 * CA certificates start an hour in the past so that a client whose clock runs a little behind does
 * not reject a CA created moments ago as "not yet valid".
 */
const CA_BACKDATE_MS = 3_600_000;

/** Loads the stored CA, creating and saving it first when the store holds none. */
export async function openCaMaterial(options: BootstrapOptions): Promise<LoadedCaMaterial> {
  const stored = await options.store.loadMaterial();
  if (stored) {
    return decryptMaterial(stored, options.passphrase);
  }
  const created = await createMaterial(options);
  if (await options.store.saveMaterial(created)) {
    return decryptMaterial(created, options.passphrase);
  }
  // Another instance saved its CA between our load and our save: use that one.
  const winner = await options.store.loadMaterial();
  if (!winner) {
    throw new Error('the CA store refused to save the new CA but holds no CA either');
  }
  return decryptMaterial(winner, options.passphrase);
}

function subjectFor(commonName: string, organization: string | undefined) {
  const org = organization ? `, O=${escapeDnValue(organization)}` : '';
  return parseDn(`CN=${escapeDnValue(commonName)}${org}`);
}

async function createMaterial(options: BootstrapOptions): Promise<StoredCaMaterial> {
  const now = options.now();
  const notBefore = new Date(now.getTime() - CA_BACKDATE_MS);
  const [rootKeys, issuingKeys] = await Promise.all([
    generateCaKeyPair(options.keyAlgorithm),
    generateCaKeyPair(options.keyAlgorithm),
  ]);
  const rootSpki = spkiOf(rootKeys.publicKey);
  const issuingSpki = spkiOf(issuingKeys.publicKey);
  const rootKeyId = keyIdentifier(rootSpki);
  const rootSubject = subjectFor(`${options.commonName} Root CA`, options.organization);
  const root = signCertificate(
    {
      serial: generateSerialNumber(),
      issuer: rootSubject,
      subject: rootSubject,
      notBefore,
      notAfter: new Date(now.getTime() + options.rootValidityDays * DAY_MS),
      spki: rootSpki,
      extensions: caExtensions({ subjectKeyId: rootKeyId }),
    },
    signerFor(rootKeys.privateKey),
  );
  const issuing = signCertificate(
    {
      serial: generateSerialNumber(),
      issuer: rootSubject,
      subject: subjectFor(`${options.commonName} Issuing CA`, options.organization),
      notBefore,
      notAfter: new Date(now.getTime() + options.issuingValidityDays * DAY_MS),
      spki: issuingSpki,
      // pathLen 0: the issuing CA signs end entities only (RFC 5280 §4.2.1.9).
      extensions: caExtensions({
        subjectKeyId: keyIdentifier(issuingSpki),
        issuerKeyId: rootKeyId,
        pathLenConstraint: 0,
      }),
    },
    signerFor(rootKeys.privateKey),
  );
  return {
    rootCertPem: root.pem,
    rootKeyPem: exportEncryptedPrivateKey(rootKeys.privateKey, options.passphrase),
    issuingCertPem: issuing.pem,
    issuingKeyPem: exportEncryptedPrivateKey(issuingKeys.privateKey, options.passphrase),
    createdAt: now,
  };
}

/** Parses the stored certificates and decrypts the keys, checking each key matches its certificate. */
export function decryptMaterial(stored: StoredCaMaterial, passphrase: string): LoadedCaMaterial {
  const root = readCaCertificate(stored.rootCertPem, 'root CA');
  const issuing = readCaCertificate(stored.issuingCertPem, 'issuing CA');
  // The root key is decrypted only to prove the passphrase and pairing; it is not kept in memory.
  checkKeyMatches(importEncryptedPrivateKey(stored.rootKeyPem, passphrase, 'root CA'), root, 'root CA');
  const issuingKey = importEncryptedPrivateKey(stored.issuingKeyPem, passphrase, 'issuing CA');
  checkKeyMatches(issuingKey, issuing, 'issuing CA');
  return { root, issuing, issuingSigner: signerFor(issuingKey), createdAt: stored.createdAt };
}

export function readCaCertificate(pem: string, what: string): CaCertificate {
  let certificate: Certificate;
  let der: Uint8Array;
  try {
    der = fromPem(pem, 'CERTIFICATE');
    certificate = AsnConvert.parse(der, Certificate);
  } catch (cause) {
    throw new Error(`the stored ${what} certificate is not a valid certificate`, { cause });
  }
  return { der, pem, certificate, keyId: certificateKeyId(certificate) };
}

/**
 * The key identifier that certificates signed by this CA carry in AKI: the CA's own SKI extension
 * when it has one (§4.2.1.1: AKI keyIdentifier is the issuer's SKI), else computed by method 1.
 */
function certificateKeyId(certificate: Certificate): Uint8Array {
  const ski = certificate.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  if (ski) {
    return new Uint8Array(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer);
  }
  return keyIdentifier(new Uint8Array(AsnConvert.serialize(certificate.tbsCertificate.subjectPublicKeyInfo)));
}

function checkKeyMatches(key: KeyObject, ca: CaCertificate, what: string): void {
  const fromKey = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const fromCert = Buffer.from(AsnConvert.serialize(ca.certificate.tbsCertificate.subjectPublicKeyInfo));
  if (!fromKey.equals(fromCert)) {
    throw new Error(`the stored ${what} key does not belong to the stored ${what} certificate`);
  }
}

function spkiOf(publicKey: KeyObject): Uint8Array {
  return publicKey.export({ type: 'spki', format: 'der' });
}
