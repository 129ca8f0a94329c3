/**
 * The operator's side of an issuing CA rollover (`ca rollover`, `ca activate`): the local CA does the
 * work (ca/local/rollover.ts), each step lands in the audit trail with the certificate it concerns.
 */
import { X509Certificate } from 'node:crypto';
import { appendAudit } from './core/audit/audit-log.js';
import type { Gateway } from './main.js';

export interface RolloverCertificate {
  serialNumber: string;
  subject: string;
  notBefore: string;
  notAfter: string;
  pem: string;
}

function describe(pem: string): RolloverCertificate {
  const certificate = new X509Certificate(pem);
  return {
    serialNumber: certificate.serialNumber.toLowerCase(),
    subject: certificate.subject,
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
    pem,
  };
}

async function record(gateway: Gateway, action: string, actor: string, next: RolloverCertificate) {
  const data = { serialNumber: next.serialNumber, notBefore: next.notBefore, notAfter: next.notAfter };
  await gateway.store.transaction((tx) =>
    appendAudit(tx, gateway.core.clock, { actor, action, targetType: 'ca', targetId: 'issuing', data }),
  );
}

/** Prepares (or replaces) the rollover certificate; GetNextCACert serves it from now on. */
export async function prepareCaRollover(
  gateway: Gateway,
  actor: string,
  validityDays?: number,
): Promise<RolloverCertificate> {
  const next = describe(await gateway.ca.prepareRollover(validityDays));
  await record(gateway, 'ca.rollover-prepared', actor, next);
  return next;
}

/** Makes the prepared rollover certificate current; null when none is prepared. */
export async function activateCaRollover(
  gateway: Gateway,
  actor: string,
): Promise<RolloverCertificate | null> {
  const pem = await gateway.ca.activateRollover();
  if (!pem) return null;
  const current = describe(pem);
  await record(gateway, 'ca.rollover-activated', actor, current);
  return current;
}
