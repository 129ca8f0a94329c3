/**
 * CertRep (RFC 8894 §3.3.2): the reply to every PKIOperation. SUCCESS carries a pkcsPKIEnvelope with
 * a degenerate SignedData of certificates (or a CRL); FAILURE and PENDING carry none. The senderNonce
 * is fresh, the recipientNonce echoes the request's senderNonce (§3.2.1.5), the transactionID is copied.
 */
import { randomBytes } from 'node:crypto';
import type { FailInfoName } from './oids.js';
import { FailInfo, MessageType, PkiStatus, scepOid } from './oids.js';
import { octetAttribute, printableAttribute, utf8Attribute } from './attributes.js';
import { signedData, type RaSigner } from './signed-data.js';

export type CertRepStatus =
  | { pkiStatus: 'SUCCESS'; envelope: Uint8Array }
  | { pkiStatus: 'PENDING' }
  | { pkiStatus: 'FAILURE'; failInfo: FailInfoName; failInfoText: string };

export interface CertRepInput {
  signer: RaSigner;
  digestOid: string;
  transactionID: string;
  recipientNonce: Uint8Array;
  status: CertRepStatus;
  now: Date;
}

export function certRep(input: CertRepInput): Uint8Array {
  const status = input.status;
  const attributes = [
    printableAttribute(scepOid.messageType, String(MessageType.CertRep)),
    printableAttribute(scepOid.pkiStatus, String(PkiStatus[status.pkiStatus])),
    printableAttribute(scepOid.transactionID, input.transactionID),
    octetAttribute(scepOid.senderNonce, randomBytes(16)),
    octetAttribute(scepOid.recipientNonce, input.recipientNonce),
  ];
  if (status.pkiStatus === 'FAILURE') {
    attributes.push(printableAttribute(scepOid.failInfo, String(FailInfo[status.failInfo])));
    // failInfoText is UTF8String (RFC 8894 §3.2.1.4.3); kept short for constrained devices.
    attributes.push(utf8Attribute(scepOid.failInfoText, status.failInfoText.slice(0, 512)));
  }
  return signedData({
    signer: input.signer,
    digestOid: input.digestOid,
    content: status.pkiStatus === 'SUCCESS' ? status.envelope : null,
    attributes,
    now: input.now,
  });
}
