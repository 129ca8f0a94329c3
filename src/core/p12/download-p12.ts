import { fromPem } from '../../../ca/pki/pem.js';
import { appendAudit } from '../audit/audit-log.js';
import { CoreError } from '../errors.js';
import { buildPkcs12, generateP12Password } from './pkcs12.js';
import { sealContext, type P12Deps } from './enroll-p12.js';

export interface P12Download {
  pkcs12: Buffer;
  /** Shown once in the response; never stored, never logged. */
  password: string;
  fileName: string;
  encryption: string;
}

/**
 * The single download of a server-generated key: builds the PKCS#12 under a fresh password, then
 * erases the sealed key by compare-and-set, so two racing downloads yield one file. Only the
 * requester may download; the password and the key appear in no audit event.
 */
export async function downloadP12(
  deps: P12Deps,
  input: { requestId: string; actor: string },
): Promise<P12Download> {
  const request = await deps.store.requests.get(input.requestId);
  if (!request || request.protocol !== 'p12')
    throw new CoreError('not_found', 'No such P12 enrolment request');
  if (request.requester !== input.actor) {
    throw new CoreError('forbidden', 'Only the requester may download the private key');
  }
  if (request.status !== 'issued' || !request.certificateSerial) {
    throw new CoreError('invalid_state', `The certificate is not issued (the request is ${request.status})`, {
      details: { status: request.status },
    });
  }
  const delivery = await deps.store.p12Deliveries.get(request.id);
  if (!delivery?.keySealed) {
    throw new CoreError(
      'invalid_state',
      delivery?.downloadedAt
        ? 'The PKCS#12 was already downloaded'
        : 'The private key has expired and was erased',
      {
        details: { downloadedAt: delivery?.downloadedAt?.toISOString() ?? null },
      },
    );
  }
  const now = deps.clock.now();
  if (delivery.keyExpiresAt <= now) {
    throw new CoreError('invalid_state', 'The private key has expired and was erased');
  }
  const certificate = await deps.store.certificates.get(request.certificateSerial);
  if (!certificate) throw new CoreError('not_found', 'The issued certificate is missing');
  const password = generateP12Password();
  const pkcs12 = buildPkcs12({
    privateKeyDer: deps.secretBox.open(delivery.keySealed, sealContext(request.id)),
    certificateDer: fromPem(certificate.pem, 'CERTIFICATE'),
    chainDer: deps.ca.caChain().map((pem) => fromPem(pem, 'CERTIFICATE')),
    password,
    friendlyName: request.dnsNames[0] ?? request.subject,
    encryption: delivery.encryption,
  });
  await deps.store.transaction(async (tx) => {
    if (!(await tx.p12Deliveries.takeKey(request.id, now))) {
      throw new CoreError('conflict', 'The PKCS#12 was downloaded concurrently');
    }
    await appendAudit(tx, deps.clock, {
      actor: input.actor,
      action: 'p12.downloaded',
      targetType: 'request',
      targetId: request.id,
      data: { serialNumber: certificate.serialNumber, encryption: delivery.encryption },
    });
  });
  // The key is erased and the file built: a failed scrub must not cost the requester the file (the
  // next erasure scrubs again).
  await deps.store.scrubErased().catch(() => undefined);
  const base = (request.dnsNames[0] ?? certificate.serialNumber).replace(/[^a-z0-9.-]/gi, '_');
  return { pkcs12, password, fileName: `${base}.p12`, encryption: delivery.encryption };
}
