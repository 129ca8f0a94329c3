/**
 * Renewal authenticated by the certificate being renewed (RFC 8894 §2.5, §3.3.1.2): a RenewalReq, or
 * the Cisco/Apple style PKCSReq signed with the old certificate. The signer must be a certificate
 * this gateway issued (the exact octets on record), of this profile, valid now and not revoked; the
 * new CSR must keep the subject, ask for a subset of the names, and use a new key unless the profile
 * allows reuse. The signature was verified before any of this runs, so the checks reveal nothing to
 * someone who does not hold the old key.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { fromPem } from '../../ca/pki/pem.js';
import type { CertificateRecord } from '../../src/core/certificates/certificate.js';
import type { Core } from '../../src/core/core.js';
import type { parseCsr } from '../../src/core/csr/parse.js';
import type { Profile } from '../../src/core/profiles/profile.js';
import { scepSettingsOf } from './settings.js';
import type { SignerCertificate } from './wire/pki-message.js';

export interface OurCertificate {
  record: CertificateRecord;
  certificate: Certificate;
}

/** The signer as one of our certificates, or null when it is a self-signed or foreign certificate. */
export async function ourCertificate(
  core: Core,
  signer: SignerCertificate,
  /** The issuing CA's subject Name as DER (Ra.issuingSubject). */
  issuingSubject: Uint8Array | null,
): Promise<OurCertificate | null> {
  // Only a certificate naming our issuing CA as issuer can be ours: skip the lookup for the
  // self-signed certificates initial enrolments are signed with.
  if (!issuingSubject || !Buffer.from(signer.issuer).equals(issuingSubject)) return null;
  const serial = Buffer.from(signer.serialNumber).toString('hex');
  const record = await core.store.certificates.get(serial);
  if (!record) return null;
  // The exact octets on record: our certificates are DER, and clients send back what they got.
  const recorded = fromPem(record.pem, 'CERTIFICATE');
  if (!Buffer.from(recorded).equals(Buffer.from(signer.der))) return null;
  return { record, certificate: AsnConvert.parse(recorded, Certificate) };
}

interface RenewalInput {
  profile: Profile;
  csr: ReturnType<typeof parseCsr>;
  ourSigner: OurCertificate | null;
  names?: { dnsNames: string[]; ipAddresses: string[] };
}

/** Null when the renewal may proceed without a challenge, else the reason it may not. */
export function checkRenewal(input: RenewalInput, now: Date): string | null {
  const old = input.ourSigner;
  if (!old) return 'The signer certificate was not issued by this gateway';
  const record = old.record;
  if (record.profileId !== input.profile.id)
    return 'The certificate being renewed belongs to another profile';
  if (record.status !== 'valid') return 'The certificate being renewed is revoked';
  if (record.notAfter <= now || record.notBefore > now)
    return 'The certificate being renewed is not valid now';
  if (input.csr.subject.toLowerCase() !== record.subject.toLowerCase()) {
    return 'A renewal must keep the subject of the certificate it renews';
  }
  const dnsNames = (input.names?.dnsNames ?? input.csr.dnsNames).map((n) => n.toLowerCase());
  const ips = input.names?.ipAddresses ?? input.csr.ipAddresses;
  const oldDns = new Set(record.dnsNames.map((n) => n.toLowerCase()));
  const oldIps = new Set(record.ipAddresses);
  if (!dnsNames.every((n) => oldDns.has(n)) || !ips.every((ip) => oldIps.has(ip))) {
    return 'A renewal may only ask for names of the certificate it renews';
  }
  const oldKey = Buffer.from(AsnConvert.serialize(old.certificate.tbsCertificate.subjectPublicKeyInfo));
  const newKey = Buffer.from(input.csr.publicKey.spkiDer);
  if (oldKey.equals(newKey) && !scepSettingsOf(input.profile).allowKeyReuse) {
    return 'A renewal must use a new key on this profile';
  }
  return null;
}
