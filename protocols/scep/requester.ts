/**
 * Who may hear about a request: the key that signed it. RFC 8894 §3.2.1.1 makes the transactionID a
 * handle derived from the requester's public key, not a secret, and §3.3.3 has the CertPoll (and an
 * identical resend) signed by the same key as the PKCSReq, so a message about an existing request is
 * answered only when its signer key is the one recorded with the request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { parseCsr } from '../../src/core/csr/parse.js';
import type { EnrollmentRequest } from '../../src/core/enrollment/request.js';

/** True when `signerKeySha256` (hex) is the key that signed `request`. */
export function isRequester(request: EnrollmentRequest, signerKeySha256: string): boolean {
  return sameHex(recordedKey(request), signerKeySha256);
}

/**
 * The recorded signer key; for a request stored before it was recorded, the CSR's own key, which a
 * self-signed signer certificate must carry (RFC 8894 §2.3). A renewal's transaction is keyed by the
 * certificate it renews (signer-chain.ts transactionRef), so this fallback never meets one.
 */
function recordedKey(request: EnrollmentRequest): string | null {
  if (request.signerKeySha256) return request.signerKeySha256;
  if (!request.csrPem) return null;
  try {
    return createHash('sha256').update(parseCsr(request.csrPem).publicKey.spkiDer).digest('hex');
  } catch {
    return null;
  }
}

function sameHex(a: string | null, b: string): boolean {
  if (a === null || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
