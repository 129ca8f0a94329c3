import * as asn1js from 'asn1js';

/**
 * A "certs-only" PKCS#7 / CMS SignedData (RFC 5652 §5.1; RFC 8894 §3.4 calls it degenerate): no
 * content, no signers, just the certificates: the certificate first, then its chain.
 */
export function certsOnlyPkcs7(certificatesDer: Uint8Array[]): Buffer {
  const certificates = certificatesDer.map((d) => asn1js.fromBER(Buffer.from(d)).result);
  const signedData = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 1 }),
      new asn1js.Set({ value: [] }),
      new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.1' })] }),
      // certificates [0] IMPLICIT CertificateSet
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: certificates }),
      new asn1js.Set({ value: [] }),
    ],
  });
  const contentInfo = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: '1.2.840.113549.1.7.2' }),
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [signedData] }),
    ],
  });
  return Buffer.from(contentInfo.toBER(false));
}
