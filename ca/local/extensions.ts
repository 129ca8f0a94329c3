/**
 * The X.509 v3 extensions the local CA writes (RFC 5280 §4.2), one builder each. Every builder
 * returns a ready Extension whose extnValue holds the DER of the extension value.
 */
import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AccessDescription,
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  CRLDistributionPoints,
  DistributionPoint,
  DistributionPointName,
  ExtendedKeyUsage,
  Extension,
  GeneralName,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import type { KeyUsageName } from '../types.js';
import { readTlv } from '../pki/der-read.js';
import { ipForAsn1 } from '../pki/ip.js';

/** id-ad-caIssuers (RFC 5280 §4.2.2.1). */
const ID_AD_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/**
 * Key identifier by method 1 of RFC 5280 §4.2.1.2: SHA-1 of the subjectPublicKey BIT STRING value
 * (without tag, length and unused-bits octet). Used for SKI and, on the issued side, AKI.
 */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  // SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }
  const algorithm = readTlv(spkiDer, readTlv(spkiDer).contentStart);
  const key = readTlv(spkiDer, algorithm.end);
  if (key.tag !== 0x03) throw new Error('the subjectPublicKeyInfo has no BIT STRING key');
  return new Uint8Array(
    createHash('sha1')
      .update(spkiDer.subarray(key.contentStart + 1, key.end))
      .digest(),
  );
}

/** BasicConstraints, always critical (§4.2.1.9 requires it in CA certificates; we mark both). */
export function basicConstraints(cA: boolean, pathLenConstraint?: number): Extension {
  return extension(id_ce_basicConstraints, true, new BasicConstraints({ cA, pathLenConstraint }));
}

const KEY_USAGE_FLAGS: Record<KeyUsageName, number> = {
  digitalSignature: KeyUsageFlags.digitalSignature,
  nonRepudiation: KeyUsageFlags.nonRepudiation,
  keyEncipherment: KeyUsageFlags.keyEncipherment,
  dataEncipherment: KeyUsageFlags.dataEncipherment,
  keyAgreement: KeyUsageFlags.keyAgreement,
  keyCertSign: KeyUsageFlags.keyCertSign,
  cRLSign: KeyUsageFlags.cRLSign,
};

/** KeyUsage, critical as §4.2.1.3 recommends; null when no bit is set (the extension would be empty). */
export function keyUsage(usages: readonly KeyUsageName[]): Extension | null {
  let flags = 0;
  for (const usage of usages) {
    const flag = KEY_USAGE_FLAGS[usage];
    if (flag === undefined) {
      throw new Error(`unknown key usage ${JSON.stringify(usage)}`);
    }
    flags |= flag;
  }
  return flags === 0 ? null : extension(id_ce_keyUsage, true, new KeyUsage(flags));
}

/** ExtendedKeyUsage (§4.2.1.12), non-critical; null when there is no purpose (SIZE (1..MAX)). */
export function extendedKeyUsage(oids: readonly string[]): Extension | null {
  if (oids.length === 0) {
    return null;
  }
  for (const oid of oids) {
    if (!/^[0-2](\.(0|[1-9]\d*))+$/.test(oid)) {
      throw new Error(`invalid extended key usage OID ${JSON.stringify(oid)}`);
    }
  }
  return extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage([...new Set(oids)]));
}

/**
 * SubjectAltName with dNSName and iPAddress entries (§4.2.1.6). DNS names must already be A-labels
 * (IA5String). Critical exactly when the subject is empty, as §4.2.1.6 requires. Null when empty.
 */
export function subjectAltName(
  dnsNames: readonly string[],
  ipAddresses: readonly Uint8Array[],
  subjectIsEmpty: boolean,
): Extension | null {
  if (dnsNames.length === 0 && ipAddresses.length === 0) {
    return null;
  }
  const names: GeneralName[] = [];
  for (const dnsName of dnsNames) {
    if (!/^[\x21-\x7e]+$/.test(dnsName)) {
      throw new Error(`DNS name ${JSON.stringify(dnsName)} is not an ASCII (A-label) name`);
    }
    names.push(new GeneralName({ dNSName: dnsName }));
  }
  for (const ip of ipAddresses) {
    names.push(new GeneralName({ iPAddress: ipForAsn1(ip) }));
  }
  return extension(id_ce_subjectAltName, subjectIsEmpty, new SubjectAlternativeName(names));
}

/** SubjectKeyIdentifier (§4.2.1.2), non-critical. */
export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
}

/** AuthorityKeyIdentifier with the issuer's key identifier only (§4.2.1.1), non-critical. */
export function authorityKeyIdentifier(issuerKeyId: Uint8Array): Extension {
  return extension(
    id_ce_authorityKeyIdentifier,
    false,
    new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(issuerKeyId) }),
  );
}

/** CRLDistributionPoints with one fullName URI (§4.2.1.13), non-critical. */
export function crlDistributionPoints(url: string): Extension {
  const point = new DistributionPoint({
    distributionPoint: new DistributionPointName({
      fullName: [new GeneralName({ uniformResourceIdentifier: url })],
    }),
  });
  return extension(id_ce_cRLDistributionPoints, false, new CRLDistributionPoints([point]));
}

/** AuthorityInfoAccess with a caIssuers URI (§4.2.2.1), which MUST be non-critical. */
export function authorityInfoAccess(caIssuersUrl: string): Extension {
  const access = new AccessDescription({
    accessMethod: ID_AD_CA_ISSUERS,
    accessLocation: new GeneralName({ uniformResourceIdentifier: caIssuersUrl }),
  });
  return extension(id_pe_authorityInfoAccess, false, new AuthorityInfoAccessSyntax([access]));
}
