/**
 * ACME Renewal Information (RFC 9773): a suggested renewal window per certificate, and `replaces`
 * on newOrder naming the certificate an order renews (once only: alreadyReplaced).
 */
import type { AcmeContext, AcmeDeps, AcmeHandler } from '../context.js';
import { problem } from '../problems.js';
import type { Account } from '../store.js';
import type { CertificateRecord } from '../../../src/core/certificates/certificate.js';

/** RFC 9773 §4.1: certID = base64url(AKI keyIdentifier) "." base64url(serial DER content). */
function serialOf(certId: unknown): string {
  if (typeof certId !== 'string' || !/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(certId)) {
    throw problem.malformed('The certificate identifier is malformed');
  }
  const serial = Buffer.from(certId.split('.')[1] ?? '', 'base64url');
  if (serial.length === 0 || serial.length > 20)
    throw problem.malformed('The certificate identifier is malformed');
  return serial.toString('hex');
}

async function certificateOf(deps: AcmeDeps, certId: unknown): Promise<CertificateRecord> {
  const cert = await deps.core.store.certificates.get(serialOf(certId));
  if (!cert) throw problem.malformed('No such certificate', { status: 404 });
  return cert;
}

/** RFC 9773 §4.2: GET renewalInfo/<certID>. */
export const renewalInfo: AcmeHandler = async (ctx, deps) => {
  const cert = await certificateOf(deps, ctx.params.id);
  const now = deps.core.clock.now();
  const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
  // Renew from two thirds of the lifetime on, within a window of a twelfth of it;
  // a revoked certificate should be replaced now.
  const start = cert.status === 'revoked' ? now : new Date(cert.notBefore.getTime() + (lifetime * 2) / 3);
  const end =
    cert.status === 'revoked'
      ? new Date(now.getTime() + 3_600_000)
      : new Date(start.getTime() + lifetime / 12);
  return {
    status: 200,
    body: { suggestedWindow: { start: start.toISOString(), end: end.toISOString() } },
    retryAfter: 6 * 3600,
  };
};

/** RFC 9773 §5: `replaces` must name a certificate of this account not yet replaced by another order. */
export async function checkReplaces(
  _ctx: AcmeContext,
  deps: AcmeDeps,
  account: Account,
  certId: unknown,
): Promise<string> {
  const cert = await certificateOf(deps, certId);
  const request = cert.requestId ? await deps.core.store.requests.get(cert.requestId) : null;
  const order =
    request?.protocol === 'acme' && request.externalRef
      ? await deps.store.orders.get(request.externalRef)
      : null;
  if (!order || order.accountId !== account.id) {
    throw problem.unauthorized('The replaced certificate was not issued to this account');
  }
  const previous = await deps.store.orders.findByReplaces(certId as string);
  if (previous && previous.status !== 'invalid') throw problem.alreadyReplaced();
  return certId as string;
}
