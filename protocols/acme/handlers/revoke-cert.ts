/**
 * §7.6 revokeCert: allowed to the account that ordered the certificate, to an account holding valid
 * authorizations for every name in it, or to anyone signing with the certificate's own key (jwk).
 * The core records it, audits it and the CRL lists it.
 */
import { createPublicKey } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { isRevocationReason } from '../../../src/core/certificates/revoke.js';
import type { CertificateRecord } from '../../../src/core/certificates/certificate.js';
import { fromPem } from '../../../ca/pki/pem.js';
import type { AcmeContext, AcmeDeps, AcmeHandler } from '../context.js';
import { spkiDer } from '../jws/jwk.js';
import { problem } from '../problems.js';
import type { Identifier } from '../store.js';

function parse(payload: Record<string, unknown>): { der: Buffer; serial: string; spki: Buffer } {
  if (typeof payload.certificate !== 'string' || !/^[A-Za-z0-9_-]+$/.test(payload.certificate)) {
    throw problem.malformed('certificate must be the base64url DER of the certificate');
  }
  const der = Buffer.from(payload.certificate, 'base64url');
  try {
    const cert = AsnConvert.parse(der, Certificate);
    return {
      der,
      serial: Buffer.from(cert.tbsCertificate.serialNumber).toString('hex'),
      spki: Buffer.from(AsnConvert.serialize(cert.tbsCertificate.subjectPublicKeyInfo)),
    };
  } catch (cause) {
    throw problem.malformed('The certificate cannot be parsed', { cause });
  }
}

async function accountMayRevoke(
  ctx: AcmeContext,
  deps: AcmeDeps,
  record: CertificateRecord,
): Promise<boolean> {
  const account = ctx.account;
  if (!account) return false;
  const request = record.requestId ? await deps.core.store.requests.get(record.requestId) : null;
  if (request?.protocol === 'acme' && request.externalRef) {
    const order = await deps.store.orders.get(request.externalRef);
    if (order?.accountId === account.id) return true;
  }
  const names: Identifier[] = [
    ...record.dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...record.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  if (names.length === 0) return false;
  const now = deps.core.clock.now();
  for (const name of names) {
    const wildcard = name.value.startsWith('*.');
    const base = wildcard ? { type: 'dns' as const, value: name.value.slice(2) } : name;
    if (!(await deps.store.authorizations.findValid(account.id, base, wildcard, now))) return false;
  }
  return true;
}

export const revokeCert: AcmeHandler = async (ctx, deps) => {
  const payload = ctx.payload as Record<string, unknown>;
  const reason = payload.reason ?? 0;
  if (!isRevocationReason(reason))
    throw problem.badRevocationReason('The reason must be a CRLReason code 0-10 except 7');
  const { der, serial, spki } = parse(payload);
  const record = await deps.core.store.certificates.get(serial);
  if (!record || !fromPem(record.pem, 'CERTIFICATE').every((b, i) => b === der[i])) {
    throw problem.malformed('The certificate was not issued by this server', { status: 404 });
  }
  if (ctx.header?.jwk) {
    // Proof of possession of the certificate's key (§7.6).
    const signer = ctx.key ? spkiDer(ctx.key.key) : Buffer.alloc(0);
    const certKey = spkiDer(createPublicKey({ key: spki, format: 'der', type: 'spki' }));
    if (!signer.equals(certKey)) throw problem.unauthorized('The JWS is not signed by the certificate key');
  } else if (!(await accountMayRevoke(ctx, deps, record))) {
    throw problem.unauthorized(
      'This account did not order this certificate and lacks authorizations for its names',
    );
  }
  if (record.status === 'revoked') throw problem.alreadyRevoked();
  const actor = ctx.account ? deps.linker.account(ctx.profile.name, ctx.account.id) : 'acme:certificate-key';
  try {
    await deps.core.revoke({ serialNumber: serial, reason, actor });
  } catch (err) {
    if ((err as { code?: string }).code === 'invalid_state') throw problem.alreadyRevoked();
    throw err;
  }
  return { status: 200 };
};
