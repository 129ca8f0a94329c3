/**
 * The RA credentials the SCEP face signs and decrypts with (RFC 8894 §2.1). They reach the face from
 * the composition root as plain values, so the face never depends on where they are kept.
 */
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromPem } from '../../ca/pki/pem.js';
import { sequence, tlv } from '../../ca/pki/der.js';
import { certificateParts } from '../../ca/pki/der-walk.js';
import { publicKeyFromSpki } from '../../ca/pki/public-key.js';
import { degenerate, type RaSigner } from './wire/signed-data.js';

/** What src/main.ts hands the SCEP face. */
export interface RaCredentials {
  /** The RA certificate: RSA, keyEncipherment + digitalSignature. */
  certificatePem: string;
  privateKey: KeyObject;
  /** The CA chain above the RA (issuing CA first, root last), as PEM. */
  chainPem: string[];
}

/** The RA ready for use: parsed once at start. */
export interface Ra extends RaSigner {
  /** DER of the chain, issuing CA first. */
  chainDer: Uint8Array[];
  /** The issuing CA certificate: its subject is the issuer of everything the gateway issues. */
  issuing: Certificate | null;
  /** The issuing CA's subject Name as DER, compared with the issuer octets of signer certificates. */
  issuingSubject: Uint8Array | null;
  /** The RA certificate's issuer Name as DER (recipient identifier of request envelopes). */
  issuerDer: Uint8Array;
  /** GetCACert's degenerate PKCS#7 (RA first, then the chain), built once. */
  caRaCertDer: Uint8Array;
  /** Every certificate of the chain has an RSA key (clients may encrypt to any of them). */
  chainIsRsa: boolean;
}

export function loadRa(credentials: RaCredentials): Ra {
  const certificateDer = fromPem(credentials.certificatePem, 'CERTIFICATE');
  const chainDer = credentials.chainPem.map((pem) => fromPem(pem, 'CERTIFICATE'));
  if (credentials.privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error('the SCEP RA key must be RSA: SCEP clients only do RSA key transport');
  }
  // Everything constant is encoded once per process, not per request.
  const ra = certificateParts(certificateDer);
  return {
    certificateDer,
    certificate: AsnConvert.parse(certificateDer, Certificate),
    privateKey: credentials.privateKey,
    chainDer,
    issuing: chainDer[0] ? AsnConvert.parse(chainDer[0], Certificate) : null,
    issuingSubject: chainDer[0] ? certificateParts(chainDer[0]).subject : null,
    issuerDer: ra.issuer,
    issuerAndSerial: sequence(ra.issuer, tlv(0x02, ra.serialNumber)),
    caRaCertDer: degenerate([certificateDer, ...chainDer]),
    chainIsRsa: chainDer.every(
      (der) => publicKeyFromSpki(certificateParts(der).subjectPublicKeyInfo).asymmetricKeyType === 'rsa',
    ),
  };
}
