/**
 * The RA credentials the SCEP face signs and decrypts with (RFC 8894 §2.1). They reach the face from
 * the composition root as plain values, so the face never depends on where they are kept.
 */
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromPem } from '../../ca/pki/pem.js';
import type { RaSigner } from './wire/signed-data.js';

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
}

export function loadRa(credentials: RaCredentials): Ra {
  const certificateDer = fromPem(credentials.certificatePem, 'CERTIFICATE');
  const chainDer = credentials.chainPem.map((pem) => fromPem(pem, 'CERTIFICATE'));
  if (credentials.privateKey.asymmetricKeyType !== 'rsa') {
    throw new Error('the SCEP RA key must be RSA: SCEP clients only do RSA key transport');
  }
  return {
    certificateDer,
    certificate: AsnConvert.parse(certificateDer, Certificate),
    privateKey: credentials.privateKey,
    chainDer,
    issuing: chainDer[0] ? AsnConvert.parse(chainDer[0], Certificate) : null,
  };
}
