/**
 * SCEP's attribute OIDs and values (RFC 8894 §3.2.1): every SCEP attribute is a signed attribute of
 * the outer SignedData, PrintableString-valued except the nonces (OCTET STRING) and failInfoText.
 */
export const scepOid = {
  messageType: '2.16.840.1.113733.1.9.2',
  pkiStatus: '2.16.840.1.113733.1.9.3',
  failInfo: '2.16.840.1.113733.1.9.4',
  senderNonce: '2.16.840.1.113733.1.9.5',
  recipientNonce: '2.16.840.1.113733.1.9.6',
  transactionID: '2.16.840.1.113733.1.9.7',
  /** id-scep-failInfoText (RFC 8894 §3.2.1.4.3, fixed in step-ca #1794). */
  failInfoText: '1.3.6.1.5.5.7.24.1',
} as const;

export const cmsOid = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** messageType values (RFC 8894 §3.2.1.2). */
export const MessageType = {
  CertRep: 3,
  RenewalReq: 17,
  PKCSReq: 19,
  CertPoll: 20,
  GetCert: 21,
  GetCRL: 22,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const messageTypeNames: Record<number, string> = Object.fromEntries(
  Object.entries(MessageType).map(([name, value]) => [value, name]),
);

/** pkiStatus values (RFC 8894 §3.2.1.3). */
export const PkiStatus = { SUCCESS: 0, FAILURE: 2, PENDING: 3 } as const;
export type PkiStatus = (typeof PkiStatus)[keyof typeof PkiStatus];

/** failInfo values (RFC 8894 §3.2.1.4). */
export const FailInfo = { badAlg: 0, badMessageCheck: 1, badRequest: 2, badTime: 3, badCertId: 4 } as const;
export type FailInfo = (typeof FailInfo)[keyof typeof FailInfo];
export type FailInfoName = keyof typeof FailInfo;
