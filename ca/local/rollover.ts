/**
 * Rollover of the issuing CA certificate (RFC 8894 §4.7, GetNextCACert): the issuing CA's key and
 * subject re-certified by the root with a new validity, published beside the current certificate
 * until an operator activates it. Keeping the key keeps everything it signed valid: certificates
 * already issued, the CRL (one signer for old and new) and the SCEP RA certificate.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { caExtensions, signCertificate } from './certificate-builder.js';
import { readCaCertificate, type CaCertificate } from './bootstrap.js';
import { importEncryptedPrivateKey, signerFor } from './keys.js';
import { generateSerialNumber } from './serial.js';
import type { StoredCaMaterial } from './store.js';

const DAY_MS = 86_400_000;
/** As for a new CA: clients whose clocks run a little behind still accept it. */
const BACKDATE_MS = 3_600_000;

/**
 * The rollover certificate for the stored issuing CA: valid from now for `validityDays`, cut at the
 * root's own expiry (a CA certificate cannot outlive its issuer usefully, RFC 5280 §6.1.3).
 */
export function recertifyIssuing(
  stored: StoredCaMaterial,
  passphrase: string,
  validityDays: number,
  now: Date,
): CaCertificate {
  const root = readCaCertificate(stored.rootCertPem, 'root CA');
  const current = readCaCertificate(stored.issuingCertPem, 'issuing CA');
  const rootKey = importEncryptedPrivateKey(stored.rootKeyPem, passphrase, 'root CA');
  const rootNotAfter = root.certificate.tbsCertificate.validity.notAfter.getTime().getTime();
  const currentNotAfter = current.certificate.tbsCertificate.validity.notAfter.getTime();
  const wanted = now.getTime() + validityDays * DAY_MS;
  const notAfter = new Date(Math.min(wanted, rootNotAfter));
  if (notAfter <= currentNotAfter) {
    throw new Error(
      wanted > rootNotAfter
        ? 'the root CA expires before the current issuing certificate would be extended: renew the root first'
        : `${validityDays} days from now ends before the current issuing certificate (${currentNotAfter.toISOString()}): ask for longer`,
    );
  }
  const tbs = current.certificate.tbsCertificate;
  const signed = signCertificate(
    {
      serial: generateSerialNumber(),
      issuer: root.certificate.tbsCertificate.subject,
      subject: tbs.subject,
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      notAfter,
      spki: new Uint8Array(AsnConvert.serialize(tbs.subjectPublicKeyInfo)),
      extensions: caExtensions({
        subjectKeyId: current.keyId,
        issuerKeyId: root.keyId,
        pathLenConstraint: 0,
      }),
    },
    signerFor(rootKey),
  );
  return readCaCertificate(signed.pem, 'rollover issuing CA');
}
