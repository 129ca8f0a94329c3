/**
 * The gateway's own HTTPS certificate, when the operator supplies none: issued by the CA for
 * `tls.names` once, recorded in the inventory as `gateway-tls`, its key sealed under the master key,
 * and reused by every start and every instance until a third of its lifetime is left or the names
 * change. A new one is audited with the reason.
 */
import { appendAudit } from '../audit/audit-log.js';
import type { Clock, Store } from '../ports.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { CertificateRecord } from './certificate.js';

export interface GatewayTlsCredential {
  serialNumber: string;
  /** `tls.names` as they were when the certificate was issued, in order (the first is the CN). */
  names: string[];
  /** The unencrypted PKCS#8 PEM key, sealed by the SecretBox with the serial as context. */
  keySealed: string;
  updatedAt: Date;
}

/** A server certificate and its fresh key, as the CA signs it. */
export interface SignedServerCertificate {
  certPem: string;
  keyPem: string;
  serialNumber: string;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
}

export interface GatewayTlsInput {
  names: string[];
  /** Signs a server certificate for `names`, valid from `now`. */
  sign(names: string[], now: Date): SignedServerCertificate;
}

export interface GatewayTlsCertificate {
  certPem: string;
  keyPem: string;
  serialNumber: string;
  /** True when this call issued it, false when it reused the stored one. */
  issued: boolean;
}

/** Why a new certificate is needed, or null when the stored one serves. */
export type RenewalReason = 'first' | 'names-changed' | 'near-expiry' | 'revoked' | 'missing';

const sealContext = (serialNumber: string) => `gateway-tls:${serialNumber}`;

function renewalReason(
  stored: GatewayTlsCredential | null,
  certificate: CertificateRecord | null,
  names: string[],
  now: Date,
): RenewalReason | null {
  if (!stored) return 'first';
  if (!certificate) return 'missing';
  if (certificate.status !== 'valid') return 'revoked';
  if (stored.names.length !== names.length || stored.names.some((n, i) => n !== names[i])) {
    return 'names-changed';
  }
  const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime();
  return certificate.notAfter.getTime() - now.getTime() > lifetime / 3 ? null : 'near-expiry';
}

/**
 * The certificate and key for the HTTPS listener. One transaction under the credential's lock:
 * instances starting together issue at most one certificate, and a certificate is never signed
 * without being recorded.
 */
export async function gatewayTlsCertificate(
  deps: { store: Store; clock: Clock; secretBox: SecretBox },
  input: GatewayTlsInput,
): Promise<GatewayTlsCertificate> {
  return deps.store.transaction(async (tx) => {
    await tx.gatewayTls.lock();
    const now = deps.clock.now();
    const stored = await tx.gatewayTls.get();
    const current = stored ? await tx.certificates.get(stored.serialNumber) : null;
    const reason = renewalReason(stored, current, input.names, now);
    if (stored && current && reason === null) {
      const keyPem = deps.secretBox.open(stored.keySealed, sealContext(stored.serialNumber)).toString();
      return { certPem: current.pem, keyPem, serialNumber: current.serialNumber, issued: false };
    }
    const signed = input.sign(input.names, now);
    await tx.certificates.insert({
      serialNumber: signed.serialNumber,
      requestId: null,
      profileId: null,
      assetId: null,
      subject: signed.subject,
      dnsNames: signed.dnsNames,
      ipAddresses: signed.ipAddresses,
      notBefore: signed.notBefore,
      notAfter: signed.notAfter,
      pem: signed.certPem,
      status: 'valid',
      revokedAt: null,
      revocationReason: null,
      purpose: 'gateway-tls',
      createdAt: now,
    });
    await tx.gatewayTls.save({
      serialNumber: signed.serialNumber,
      names: input.names,
      keySealed: deps.secretBox.seal(signed.keyPem, sealContext(signed.serialNumber)),
      updatedAt: now,
    });
    await appendAudit(tx, deps.clock, {
      actor: 'system',
      action: 'certificate.issued',
      targetType: 'certificate',
      targetId: signed.serialNumber,
      data: {
        purpose: 'gateway-tls',
        names: input.names,
        reason,
        replaces: stored?.serialNumber ?? null,
      },
    });
    return {
      certPem: signed.certPem,
      keyPem: signed.keyPem,
      serialNumber: signed.serialNumber,
      issued: true,
    };
  });
}
